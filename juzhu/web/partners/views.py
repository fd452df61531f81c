"""The partners' pages: employers (``employer``) and departments (``department``)."""

from juzhu.web.partners.department import department_home
from juzhu.web.partners.employer import employer_home

__all__ = ["department_home", "employer_home"]
