from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "udp.accounts"
    label = "accounts"
    verbose_name = "Accounts"
