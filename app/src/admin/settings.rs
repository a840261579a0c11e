//! Clinic settings: name and contact (shown on every public page at once), time zone, the
//! cancellation policy, online booking's rules, when reminders go, and what patients pay
//! when they book.

use super::api::{fetch_settings, SaveSettings};
use super::api_keys::api::{fetch_api_keys, CreateApiKey, RevokeApiKey};
use super::api_keys::section::ApiKeys;
use super::fields::ChargeFields;
use super::frame::StaffScreen;
use super::practice::api::fetch_practice_ids;
use super::practice::section::PracticeIds;
use super::webhooks::api::{
    fetch_webhooks, AddWebhook, RemoveWebhook, ReplayWebhook, RotateWebhookSecret,
};
use super::webhooks::section::{WebhookActions, Webhooks};
use crate::domain::clinic_settings::{
    SettingsForm, FIRST_VISIT_CHARGE, LATE_CANCEL_MAX_HOURS, USUAL_CHARGE,
};
use crate::domain::form::problem_for;
use crate::domain::payment_policy::Processor;
use crate::error::AppError;
use crate::ui::components::{Checkbox, Field, Refusal, SavedNotice, BUTTON_PRIMARY, FIELD};
use crate::ui::saves::{reload_after, Saves};
use crate::ui::textarea::textarea_text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let saves = Saves::count();
    let create_key = ServerAction::<CreateApiKey>::new();
    let revoke_key = ServerAction::<RevokeApiKey>::new();
    let hooks = WebhookActions {
        add: ServerAction::<AddWebhook>::new(),
        rotate: ServerAction::<RotateWebhookSecret>::new(),
        remove: ServerAction::<RemoveWebhook>::new(),
        replay: ServerAction::<ReplayWebhook>::new(),
    };
    let data = Resource::new(
        move || {
            (
                saves.get(),
                create_key.version().get(),
                revoke_key.version().get(),
                hooks.add.version().get(),
                hooks.rotate.version().get(),
                hooks.remove.version().get(),
                hooks.replay.version().get(),
            )
        },
        |_| async {
            Ok::<_, AppError>((
                fetch_settings().await?,
                fetch_api_keys().await?,
                fetch_webhooks().await?,
                fetch_practice_ids().await?,
            ))
        },
    );
    view! {
        <StaffScreen data here="/admin/settings".to_owned() view=move |(form, keys, screen, practice)| view! {
            <SettingsEditor form/>
            <div class="mx-auto max-w-3xl px-4 pb-16">
                <ApiKeys keys create=create_key revoke=revoke_key/>
                <Webhooks screen actions=hooks/>
                {practice.map(|screen| view! { <PracticeIds screen/> })}
            </div>
        }/>
    }
}

#[component]
fn SettingsEditor(form: SettingsForm) -> impl IntoView {
    let action = ServerAction::<SaveSettings>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let refusal = Refusal::new(move || action.value().get());
    let problems = refusal.problems;
    let summary = refusal.summary();
    let invalid = move |field: &'static str| refusal.invalid(field);
    let SettingsForm {
        name,
        tagline,
        tax_id,
        email,
        phone,
        time_zone,
        currency,
        late_cancel_hours,
        cancellation_policy,
        hold_minutes,
        slot_minutes,
        min_notice_hours,
        horizon_days,
        assistant_retention_days,
        video_relay_only,
        allow_double_booking,
        reminder_hours,
        remind_by_email,
        remind_by_sms,
        remind_by_whatsapp,
        quiet_hours_start,
        quiet_hours_end,
        payment_processor,
        payment_rule,
        payment_deposit,
        payment_percent,
        first_visit_rule,
        first_visit_deposit,
        first_visit_percent,
        keep_card_on_file,
        refund_on_time_cancellation,
        pay_within_minutes,
    } = form;
    let currency_field = currency.clone();
    view! {
        <Title text="Clinic settings — Staff area"/>
        <div class="mx-auto max-w-3xl px-4 py-10">
            <p class="text-sm font-semibold uppercase tracking-wider text-brand-600">"Staff area"</p>
            <h1 class="mt-1 font-display text-4xl text-stone-900">"Clinic settings"</h1>
            <SavedNotice say=|query| query.get("saved").map(|_| "Settings saved. The public site shows them now.".to_owned())/>
            <ActionForm action attr:class="mt-8 space-y-6" attr:novalidate="">
                <p role="alert" aria-live="assertive" class="text-sm font-semibold text-red-700">{summary}</p>
                <Field name="name" label="Clinic name" problems>
                    <input id="name" name="form[name]" value=name class=FIELD aria-invalid=invalid("name") aria-describedby="name-error"/>
                </Field>
                <Field name="tagline" label="Tagline" hint={"One line under the name on the home page.".to_owned()} problems>
                    <input id="tagline" name="form[tagline]" value=tagline class=FIELD aria-invalid=invalid("tagline") aria-describedby="tagline-hint tagline-error"/>
                </Field>
                <div class="grid gap-6 sm:grid-cols-2">
                    <Field name="email" label="Email for patients" problems>
                        <input id="email" name="form[email]" type="email" value=email class=FIELD aria-invalid=invalid("email") aria-describedby="email-error"/>
                    </Field>
                    <Field name="phone" label="Phone for patients" problems>
                        <input id="phone" name="form[phone]" type="tel" value=phone class=FIELD aria-invalid=invalid("phone") aria-describedby="phone-error"/>
                    </Field>
                </div>
                <Field name="time_zone" label="Time zone" hint={"Every time on the site, in emails and calendars is shown in it, e.g. Europe/London.".to_owned()} problems>
                    <input id="time_zone" name="form[time_zone]" value=time_zone class=FIELD aria-invalid=invalid("time_zone") aria-describedby="time_zone-hint time_zone-error"/>
                </Field>
                <Field name="tax_id" label="Tax number (optional)" hint={"VAT or GST registration, printed on patients' receipts.".to_owned()} problems>
                    <input id="tax_id" name="form[tax_id]" value=tax_id class=FIELD aria-invalid=invalid("tax_id") aria-describedby="tax_id-hint tax_id-error"/>
                </Field>
                <Field name="currency" label="Currency" hint={"The three-letter code prices are shown in, such as GBP or EUR. Changing it converts no prices: check them after.".to_owned()} problems>
                    <input id="currency" name="form[currency]" value=currency_field maxlength="3" autocapitalize="characters" class=FIELD aria-invalid=invalid("currency") aria-describedby="currency-hint currency-error"/>
                </Field>
                <Field name="late_cancel_hours" label="Late-cancellation window (hours)" hint={format!("Inside this many hours before an appointment, patients are asked to call instead of cancelling online. 0 to {LATE_CANCEL_MAX_HOURS}.")} problems>
                    <input id="late_cancel_hours" name="form[late_cancel_hours]" value=late_cancel_hours inputmode="numeric" class=FIELD aria-invalid=invalid("late_cancel_hours") aria-describedby="late_cancel_hours-hint late_cancel_hours-error"/>
                </Field>
                <Field name="cancellation_policy" label="Cancellation policy" hint={"Shown to patients when they book and when they manage a booking.".to_owned()} problems>
                    <textarea id="cancellation_policy" name="form[cancellation_policy]" rows="4" class=FIELD aria-invalid=invalid("cancellation_policy") aria-describedby="cancellation_policy-hint cancellation_policy-error">{textarea_text(cancellation_policy)}</textarea>
                </Field>
                <fieldset class="space-y-6 rounded-2xl border border-stone-200 bg-white p-5">
                    <legend class="px-1 font-semibold text-stone-900">"Online booking"</legend>
                    <div class="grid gap-6 sm:grid-cols-2">
                        <Field name="min_notice_hours" label="Minimum notice (hours)" hint={"How soon patients may book online. 0 to 336.".to_owned()} problems>
                            <input id="min_notice_hours" name="form[min_notice_hours]" value=min_notice_hours inputmode="numeric" class=FIELD aria-invalid=invalid("min_notice_hours") aria-describedby="min_notice_hours-hint min_notice_hours-error"/>
                        </Field>
                        <Field name="horizon_days" label="Booking ahead (days)" hint={"How far ahead patients may book online. 1 to 365.".to_owned()} problems>
                            <input id="horizon_days" name="form[horizon_days]" value=horizon_days inputmode="numeric" class=FIELD aria-invalid=invalid("horizon_days") aria-describedby="horizon_days-hint horizon_days-error"/>
                        </Field>
                        <Field name="slot_minutes" label="Start times every (minutes)" hint={"The step between the times offered. 5 to 120.".to_owned()} problems>
                            <input id="slot_minutes" name="form[slot_minutes]" value=slot_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("slot_minutes") aria-describedby="slot_minutes-hint slot_minutes-error"/>
                        </Field>
                        <Field name="hold_minutes" label="Keep a chosen time for (minutes)" hint={"While the patient gives their details. 1 to 60.".to_owned()} problems>
                            <input id="hold_minutes" name="form[hold_minutes]" value=hold_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("hold_minutes") aria-describedby="hold_minutes-hint hold_minutes-error"/>
                        </Field>
                    </div>
                    <Checkbox id="allow_double_booking" name="form[allow_double_booking]" label="Let staff double-book on purpose (each one is recorded in the audit log)" checked=allow_double_booking/>
                </fieldset>
                <Field name="assistant_retention_days" label="Keep assistant conversations for (days)" hint={"After a conversation's last message; then it is deleted. 1 to 3,650.".to_owned()} problems>
                    <input id="assistant_retention_days" name="form[assistant_retention_days]" value=assistant_retention_days inputmode="numeric" class=FIELD aria-invalid=invalid("assistant_retention_days") aria-describedby="assistant_retention_days-hint assistant_retention_days-error"/>
                </Field>
                <fieldset class="space-y-3 rounded-2xl border border-stone-200 bg-white p-5">
                    <legend class="px-1 font-semibold text-stone-900">"Video visits"</legend>
                    <Checkbox id="video_relay_only" name="form[video_relay_only]" label="Send every call through the relay (TURN) server, so patient and clinician never learn each other's network address" checked=video_relay_only/>
                    <p class="text-sm text-stone-500">"Needs a TURN server in the configuration (README, \"Video visits\"); without one, calls cannot connect while this is on."</p>
                </fieldset>
                <fieldset class="space-y-6 rounded-2xl border border-stone-200 bg-white p-5">
                    <legend class="px-1 font-semibold text-stone-900">"Reminders"</legend>
                    <Field name="reminder_hours" label="Send reminders (hours before)" hint={"Such as 24, 2: a day before and two hours before. Up to four; empty for none. Each patient chooses how they hear from you.".to_owned()} problems>
                        <input id="reminder_hours" name="form[reminder_hours]" value=reminder_hours class=FIELD aria-invalid=invalid("reminder_hours") aria-describedby="reminder_hours-hint reminder_hours-error"/>
                    </Field>
                    <div class="space-y-2">
                        <Checkbox id="remind_by_email" name="form[remind_by_email]" label="By email" checked=remind_by_email/>
                        <Checkbox id="remind_by_sms" name="form[remind_by_sms]" label="By text message" checked=remind_by_sms/>
                        <Checkbox id="remind_by_whatsapp" name="form[remind_by_whatsapp]" label="By WhatsApp" checked=remind_by_whatsapp/>
                    </div>
                    <div class="grid gap-6 sm:grid-cols-2">
                        <Field name="quiet_hours_start" label="Quiet from" hint={"No reminder goes between these times (the location's time); one due then goes when they end, or before they begin when that would be too late.".to_owned()} problems>
                            <input id="quiet_hours_start" name="form[quiet_hours_start]" type="time" value=quiet_hours_start class=FIELD aria-invalid=invalid("quiet_hours_start") aria-describedby="quiet_hours_start-hint quiet_hours_start-error"/>
                        </Field>
                        <Field name="quiet_hours_end" label="Quiet until" problems>
                            <input id="quiet_hours_end" name="form[quiet_hours_end]" type="time" value=quiet_hours_end class=FIELD aria-invalid=invalid("quiet_hours_end") aria-describedby="quiet_hours_end-error"/>
                        </Field>
                    </div>
                </fieldset>
                <fieldset class="space-y-6 rounded-2xl border border-stone-200 bg-white p-5">
                    <legend class="px-1 font-semibold text-stone-900">"Payments"</legend>
                    <Field name="payment_processor" label="Take payments online with" hint={"Patients pay nothing online until you choose a payment service; a treatment's page says what is due.".to_owned()} problems>
                        <select id="payment_processor" name="form[payment_processor]" class=FIELD aria-invalid=invalid("payment_processor") aria-describedby="payment_processor-hint payment_processor-error">
                            {Processor::ALL.map(|p| view! { <option value=p.code() selected=p.code() == payment_processor>{p.label()}</option> }).collect_view()}
                        </select>
                    </Field>
                    <ChargeFields names=USUAL_CHARGE label="When patients book, they pay" values=(payment_rule, payment_deposit, payment_percent) currency=currency.clone() problems/>
                    <ChargeFields names=FIRST_VISIT_CHARGE label="On a first visit, they pay" unset="The same" values=(first_visit_rule, first_visit_deposit, first_visit_percent) currency problems/>
                    <p class="-mt-3 text-sm text-stone-500">"A first visit pays its own rule only when that comes to more. A treatment can have a rule of its own."</p>
                    <Field name="pay_within_minutes" label="Wait for the payment (minutes)" hint={"A booking not paid within this time is released. 30 to 1440.".to_owned()} problems>
                        <input id="pay_within_minutes" name="form[pay_within_minutes]" value=pay_within_minutes inputmode="numeric" class=FIELD aria-invalid=invalid("pay_within_minutes") aria-describedby="pay_within_minutes-hint pay_within_minutes-error"/>
                    </Field>
                    <div class="space-y-2">
                        <Checkbox id="keep_card_on_file" name="form[keep_card_on_file]" label="Keep the card for late-cancellation and no-show fees (patients are told before they pay)" checked=keep_card_on_file/>
                        <p id="keep_card_on_file-error" class="text-sm font-semibold text-red-700">
                            {move || problem_for(&problems.read(), "keep_card_on_file").map(str::to_owned)}
                        </p>
                        <Checkbox id="refund_on_time_cancellation" name="form[refund_on_time_cancellation]" label="Refund a patient who cancels before the late-cancellation window" checked=refund_on_time_cancellation/>
                    </div>
                </fieldset>
                <button type="submit" class=BUTTON_PRIMARY disabled=move || action.pending().get()>"Save settings"</button>
            </ActionForm>
        </div>
    }
}
