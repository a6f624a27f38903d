"""Item pipelines and the pure functions behind them: extraction, cleaning, language,
deduplication and Parquet storage."""
