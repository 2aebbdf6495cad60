"""The Cities page's glue (app_pages/cities.py): U4SSC KPIs of stored cities, read by everyone,
changed by signed-in editors only.

- `store`: one Store per process and database, and the reads every session shares (cached under
  the store's latest write);
- `controls`: which city and year this session shows (its own state, and the `?city=` link);
- `views`: the tables and figures, built from the core's results in a language (no Streamlit);
- `city`: one city's sections: completeness, scores with their counts, national context, KPIs,
  downloads and the city report;
- `compare`: several cities side by side; `map`: the stored cities on a map;
- `guide`: how a new user adds a city, and the import template for anyone;
- `forms` (create, import, delete, the write log) and `entries` (a value, a target): the
  editors' forms, drawn for a signed-in editor only;
- `writes`: every write, each behind `require_editor()`; `outcome`: what a form shows after one.
"""
