from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "juzhu.vault"
    verbose_name = "密钥与加密"

    def ready(self) -> None:
        from juzhu.vault import keys

        keys.keyring_check()  # fail at start-up, not at the first read of a record
