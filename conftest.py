pytest_plugins = ["ipx.testing.fixtures", "ipx.testing.database_pass"]
