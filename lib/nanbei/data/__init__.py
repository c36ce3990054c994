"""The data contract: loaders for the shipped city panel (or your own file in its schema).

Every loader validates what it reads and raises :class:`nanbei.DataError` with
the file, the row or column and what was expected.  Shipped files are checked
against ``data/SHA256SUMS`` so that a file edited by hand (or corrupted) is
never analysed silently.

Units (see data/README.md for the full dictionary)
--------------------------------------------------
gdp, gdp_primary/secondary/tertiary   100 million yuan (亿元), current prices
gdp_pc_official                       yuan, as published (population basis switches, below)
pop_registered, pop_resident          10k persons (万人)
employment                            10k persons, as published
emp_share_*                           percent of employment
wage_avg                              yuan per year
fdi                                   10k US dollars, actually utilised (2004-2012)

Population basis of per-capita GDP
----------------------------------
Official per-capita GDP was computed on registered (户籍, hukou) population
until about 2009 and on resident (常住) population afterwards.  A series that
mixes the two shows a false jump (for Suzhou the published figure falls from
106,863 yuan in 2008 to 83,696 in 2009).  :func:`per_capita` makes the basis
explicit; :func:`region_ratio` computes regional ratios on a declared basis.

Calls, defaults and what was left out
-------------------------------------
* The subject of a call is positional (the panel; an outcome, a value, the two regions of a
  ratio; the provinces and variables of a break); every option is keyword-only:
  ``per_capita_panel(panel, basis="registered", prices="real")``.
* One default for each option, wherever a function has it (``DEFAULT_BASIS``,
  ``DEFAULT_PRICES``, ``DEFAULT_BASE_YEAR``): population basis ``"registered"``, the only
  basis with a continuous series across 2009; prices ``"real"`` (``base_year`` 2000 prices,
  deflated by the provincial CPI), since every analysis compares years and only real values
  make years comparable; ``"nominal"`` is always available when asked for.
* The regional functions (:func:`region_ratio`, :func:`regional_per_capita`,
  :func:`ratio_break_decomposition`, :func:`yearbook_region_ratio`) used to default to
  another basis ("official", "resident"), and :func:`per_capita_panel` to nominal prices.
  For now a call that leaves those out keeps its old meaning and gets a FutureWarning that
  says what to write; a regional basis will then be required (a regional ratio means
  nothing without it), and per_capita_panel's prices will default to "real".  Options
  passed by position, as the old signatures allowed, also still work with a FutureWarning.
  Bad values raise ValueError naming the function, the parameter and the allowed values.
* Whatever a function leaves out (cities, city-years, years) is reported one way: a
  :class:`Dropped` record, returned by :func:`analysis_panel` and put in
  ``attrs["dropped"]`` of the tables and series of :func:`per_capita_panel`,
  :func:`outcome_panel`, :func:`regional_per_capita`, :func:`regional_aggregate`,
  :func:`region_ratio`, :func:`ratio_break_decomposition`, :func:`yearbook_region_ratio`
  and :func:`cpi_index`.  ``str(record)`` is the sentence to print.

Modules (the public names are all importable from ``nanbei.data``)
--------------------------------------------------------------------
schema     columns, kinds, regions, population bases
files      shipped files: location, checksums, small tables (cities, CPI, parks, breaks, ...)
validate   the data contract of a city panel
loaders    ``load_city_panel`` with validation, screen and quarantine
derived    per-capita GDP, prices, policy outcomes, coverage
regions    regional aggregates and ratios, the break decomposition
breaks     declared and detected breaks of the statistics
samples    ``analysis_panel``: the screened, balanced sample of an analysis
dropped    ``Dropped``: the record of what a function left out
"""

from nanbei.data.breaks import declared_breaks, revision_cutoff, series_breaks
from nanbei.data.derived import (
    OUTCOME_VARIABLES,
    OUTCOMES,
    coverage,
    cpi_index,
    deflate,
    implied_population,
    outcome_panel,
    per_capita,
    per_capita_panel,
)
from nanbei.data.dropped import Dropped
from nanbei.data.files import (
    REBUILD_ADVICE,
    _shipped_table,
    data_dir,
    load_boundaries,
    load_census_counties,
    load_census_crosswalk,
    load_census_industry,
    load_cities,
    load_claims,
    load_claims_context,
    load_competing_policies,
    load_flags,
    load_known_breaks,
    load_pairings,
    load_parks,
    load_policy_timeline,
    load_province_cpi,
    load_yearbook_supplement,
    verify_checksum,
)
from nanbei.data.loaders import clear_cache, load_city_panel
from nanbei.data.regions import (
    ratio_break_decomposition,
    region_ratio,
    regional_aggregate,
    regional_per_capita,
    yearbook_region_ratio,
)
from nanbei.data.samples import analysis_panel
from nanbei.data.schema import (
    BASES,
    DEFAULT_BASE_YEAR,
    DEFAULT_BASIS,
    DEFAULT_PRICES,
    FIRST_POSSIBLE_YEAR,
    JIANGSU_PROVINCE_CODE,
    NUMERIC_COLUMNS,
    PANEL_COLUMNS,
    PANEL_SCHEMA,
    PRICES,
    REGIONS,
)
from nanbei.data.validate import validate_panel

__all__ = [
    "Dropped",
    "analysis_panel",
    "BASES",
    "DEFAULT_BASE_YEAR",
    "DEFAULT_BASIS",
    "DEFAULT_PRICES",
    "FIRST_POSSIBLE_YEAR",
    "JIANGSU_PROVINCE_CODE",
    "NUMERIC_COLUMNS",
    "OUTCOMES",
    "OUTCOME_VARIABLES",
    "PANEL_COLUMNS",
    "PANEL_SCHEMA",
    "PRICES",
    "REBUILD_ADVICE",
    "REGIONS",
    "clear_cache",
    "coverage",
    "cpi_index",
    "data_dir",
    "declared_breaks",
    "deflate",
    "implied_population",
    "load_boundaries",
    "load_cities",
    "load_city_panel",
    "load_claims",
    "load_claims_context",
    "load_flags",
    "load_known_breaks",
    "load_pairings",
    "load_parks",
    "load_policy_timeline",
    "load_province_cpi",
    "load_yearbook_supplement",
    "outcome_panel",
    "per_capita",
    "per_capita_panel",
    "ratio_break_decomposition",
    "region_ratio",
    "regional_aggregate",
    "regional_per_capita",
    "revision_cutoff",
    "series_breaks",
    "validate_panel",
    "verify_checksum",
    "yearbook_region_ratio",
    "_shipped_table",
    "load_census_counties",
    "load_census_crosswalk",
    "load_census_industry",
    "load_competing_policies",
]
