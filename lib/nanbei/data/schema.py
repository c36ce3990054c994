"""The panel schema: columns, their kinds, the regions and population bases."""

from __future__ import annotations

REGIONS = ("Sunan", "Suzhong", "Subei")

JIANGSU_PROVINCE_CODE = 320000

BASES = ("registered", "resident", "official")

#: Prices of money values: "real" (base_year prices, provincial CPI) or "nominal" (current).
PRICES = ("real", "nominal")

# The defaults of every data function that has the option (module docstring of nanbei.data):
# registered population is the only basis continuous across the 2009 switch, and every analysis
# compares years, which only real prices allow.
DEFAULT_BASIS = "registered"
DEFAULT_PRICES = "real"
DEFAULT_BASE_YEAR = 2000

#: Column -> kind. "id" columns are integer identifiers; "positive" values must be > 0,
#: "nonnegative" >= 0, "share" within [0, 100]; "text" free text.
PANEL_SCHEMA: dict[str, str] = {
    "city_code": "id",
    "city_zh": "text",
    "city_en": "text",
    "province_code": "id",
    "province_en": "text",
    "city_type": "text",
    "region": "text",
    "year": "id",
    "gdp": "positive",
    "gdp_primary": "nonnegative",
    "gdp_secondary": "nonnegative",
    "gdp_tertiary": "nonnegative",
    "gdp_pc_official": "positive",
    "pop_registered": "positive",
    "pop_resident": "positive",
    "employment": "positive",
    "emp_share_primary": "share",
    "emp_share_secondary": "share",
    "emp_share_tertiary": "share",
    "wage_avg": "positive",
    "fdi": "positive",
}

PANEL_COLUMNS = list(PANEL_SCHEMA)

NUMERIC_COLUMNS = [c for c, k in PANEL_SCHEMA.items() if k in ("positive", "nonnegative", "share")]

#: Years a city panel may hold: the People's Republic's statistics start in 1949.
FIRST_POSSIBLE_YEAR = 1949
