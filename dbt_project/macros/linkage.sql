{#- The columns of int_finance__revenue_linkage_rollups that describe a whole segment (its
    nps_category = 'all' rows), not one NPS category: cx_revenue_linkage_by_segment and
    cx_revenue_linkage_total publish them, the per-category marts leave them out. -#}
{% macro linkage_segment_columns() -%}
    {{ return([
        'churn_gap_detractor_vs_promoter', 'churn_gap_se', 'churn_gap_ci_low',
        'churn_gap_ci_high', 'detractor_arr', 'revenue_at_risk', 'revenue_at_risk_ci_low',
        'revenue_at_risk_ci_high', 'retention_slope', 'retention_slope_se',
        'nps_point_value_per_year', 'nps_point_value_se', 'nps_point_value_ci_low',
        'nps_point_value_ci_high', 'responses', 'nps_respondent', 'nps_respondent_se',
        'nps_respondent_ci_low', 'nps_respondent_ci_high', 'accounts_answered', 'nps_account',
        'nps_account_se', 'nps_account_ci_low', 'nps_account_ci_high', 'nps_revenue_weighted',
        'nps_revenue_weighted_se', 'nps_revenue_weighted_ci_low',
        'nps_revenue_weighted_ci_high', 'accounts_answered_incl_inactive',
        'nps_account_incl_inactive', 'nps_account_incl_inactive_se',
        'nps_account_incl_inactive_ci_low', 'nps_account_incl_inactive_ci_high',
        'segment_customers', 'segment_arr', 'answered_arr',
        'revenue_coverage',
    ]) }}
{%- endmacro %}
