pytest_plugins = ["ipx.testing.fixtures", "ipx.testing.database_pass", "ipx.testing.migrated_template"]
