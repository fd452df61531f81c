from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "juzhu.applicants"
    label = "applicants"
    verbose_name = "申请人本人验证"
