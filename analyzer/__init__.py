"""dataverse-solution-analyzer: offline analysis of Dataverse solution packages."""

__version__ = "0.2.0"
