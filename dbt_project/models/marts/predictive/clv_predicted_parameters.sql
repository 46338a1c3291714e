{#- Every parameter of both fits with its interval (docs/metrics.md "Predictive CLV and churn
    drivers"): Wald on the log scale, estimate * exp(-/+ z * se(log estimate)) (macro
    log_scale_bound), var ci_z. A model that was not fitted keeps its rows with null figures
    and the reason. -#}
{#- (model, parameter, the fits' column counting the customers the model is fitted on) -#}
{%- set parameters = [
    ('bg_nbd', 'r', 'customers'), ('bg_nbd', 'alpha', 'customers'),
    ('bg_nbd', 'a', 'customers'), ('bg_nbd', 'b', 'customers'),
    ('gamma_gamma', 'p', 'gamma_gamma_customers'), ('gamma_gamma', 'q', 'gamma_gamma_customers'),
    ('gamma_gamma', 'gamma', 'gamma_gamma_customers'),
] -%}

with

fits as (

    select * from {{ ref('int_predictive__clv_fits') }}

),

long as (

    {% for model, name, customers in parameters %}
        select
            fit,
            '{{ model }}' as model_name,
            '{{ name }}' as parameter_name,
            {{ loop.index }} as parameter_order,
            {{ customers }} as fitted_customers,
            {{ model }}_status as status,
            {{ model }}_null_reason as null_reason,
            {{ name }} as estimate,
            {{ name }}_log_se as log_se
        from fits
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        fit,
        model_name,
        parameter_name,
        parameter_order,
        estimate,
        log_se,
        {{ log_scale_bound('estimate', 'log_se', var('ci_z'), 'lower') }} as ci_low,
        {{ log_scale_bound('estimate', 'log_se', var('ci_z'), 'upper') }} as ci_high,
        cast({{ var('ci_z') }} as double) as ci_z,
        fitted_customers,
        status,
        null_reason
    from long

)

select * from final
