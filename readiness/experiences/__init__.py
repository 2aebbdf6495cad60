"""Country experiences: case studies, the factors behind IoT uptake, what a workshop room says; no database."""  # noqa: E501
