"""The IP catalog: patents, trademarks, copyrights, GI products (data IP later), reference
tables (IPC, Nice) and bulk import of patent inventories."""
