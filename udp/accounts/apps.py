from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "udp.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from udp.accounts.mfa import record_activation

        authenticator_added.connect(record_activation, dispatch_uid="udp-record-mfa-activation")
