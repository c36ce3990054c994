"""Nanbei: testing claims about Jiangsu's south-north linkage policy with real data.

Sub-modules
-----------
nanbei.data         the data contract: loaders for the shipped (or your own) city panel
nanbei.convergence  sigma, beta, distribution dynamics and club convergence on any panel
nanbei.effects      synthetic control, staggered DiD, event studies, few-cluster inference
nanbei.employment   census counties, shift-share, employment elasticities, the jobs claim
nanbei.claims       the report's claims ledger and the verdict sentences
nanbei.screen       plausibility screen of a panel (what data/tidy/flags.csv records)
nanbei.labels       one label dictionary, Chinese and English (lang="zh" | "en")
nanbei.maps         choropleths of the 13 cities and 95 counties
nanbei.explorer     the interactive explorer behind notebooks/05_explorer.ipynb
nanbei.workshop     workshop exercises, check(), student and instructor copies
nanbei.plotting     matplotlib helpers with a bundled CJK font
nanbei.results      the common result surface (summary, tidy, plot)
nanbei.table        several results side by side in HTML, LaTeX, Markdown or CSV
nanbei.record       a notebook's key number into the results store (nanbei.store)
nanbei.runner       the batch runner behind `nanbei run` (reports, gallery, sweeps, Dask)
"""

from nanbei.errors import DataError, DataWarning
from nanbei.store import record

__all__ = ["DataError", "DataWarning", "record", "table"]


def table(*results, **options):
    """Publication table of several results: see :func:`nanbei.tables.table`."""
    from nanbei.tables import table as _table  # maketables/great_tables load only when used

    return _table(*results, **options)


__version__ = "0.1.0"
