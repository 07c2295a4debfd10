//! The admin's escalation thresholds (a section of /admin).

use super::super::api::escalation_rules;
use super::super::strings as t;
use leptos::prelude::*;

#[component]
pub fn EscalationRulesForm() -> impl IntoView {
    let data = Resource::new(|| (), |_| escalation_rules());
    view! {
        <section class="card admin-section" id="escalation" data-testid="escalation-rules">
            <h2>{t::RULES_TITLE}</h2>
            <p class="muted small">{t::RULES_HINT}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await
                        .ok()
                        .map(|r| {
                            let field = |id: &'static str, label: &'static str, v: i64| {
                                view! {
                                    <label for=id>{label}</label>
                                    <input
                                        id=id
                                        name=id
                                        type="number"
                                        min="0"
                                        inputmode="numeric"
                                        value=v.to_string()
                                        required=true
                                    />
                                }
                            };
                            view! {
                                <form
                                    method="post"
                                    action="/api/admin/set_escalation_rules"
                                    class="stack"
                                >
                                    {field(
                                        "press_after_hours",
                                        t::RULES_PRESS,
                                        r.press_after_hours,
                                    )}
                                    {field(
                                        "supervise_after_hours",
                                        t::RULES_SUPERVISE,
                                        r.supervise_after_hours,
                                    )}
                                    {field(
                                        "escalate_after_hours",
                                        t::RULES_ESCALATE,
                                        r.escalate_after_hours,
                                    )}
                                    {field(
                                        "supervise_on_rework",
                                        t::RULES_REWORK,
                                        r.supervise_on_rework,
                                    )}
                                    <button type="submit" class="primary">
                                        {t::RULES_SAVE}
                                    </button>
                                </form>
                            }
                        })
                })}
            </Suspense>
        </section>
    }
}
