"""CPSV-AP 3.2.0 export and import of the catalog (docs/cpsv-ap.md has the mapping)."""
