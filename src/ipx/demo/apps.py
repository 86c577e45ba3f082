from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models and no pages: the app only brings the `demo_data` command and its data, so
    # it has no verbose name to translate.
    name = "ipx.demo"
    label = "demo"
