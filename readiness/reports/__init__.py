"""Reports: report model, Word/PDF/PowerPoint writers, offline charts; imports lower layers."""
