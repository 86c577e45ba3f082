"""Data IP: registration of data products with the registry (review, publicity with
objections, grant), signed certificates verifiable online and offline, and granted data IP
as an asset of the catalog like patents and trademarks."""
