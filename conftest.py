pytest_plugins = ["ipx.testing.fixtures"]
