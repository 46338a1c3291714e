"""The dbt project, alone in its module so `dagster-dbt project prepare-and-package` can load it."""

from dagster_dbt import DbtProject

from cxlink.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
