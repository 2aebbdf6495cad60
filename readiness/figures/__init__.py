"""Figures and tables: Plotly builders and the pages' tables; imports data, index, gaps."""
