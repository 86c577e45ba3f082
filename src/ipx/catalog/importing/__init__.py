"""Bulk import of patent inventories from spreadsheets (XLSX or CSV).

``reading`` opens a file and yields its rows, ``columns`` maps our and CNIPA's headers to
asset fields, ``running`` checks and writes the rows, ``services`` runs uploads as background
jobs, ``template`` builds the downloadable template.
"""
