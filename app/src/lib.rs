//! Lumen's web app: compiled natively with `ssr` for the server and to WASM with `hydrate`.
// Leptos views are nested types; the booking pages' views are deep enough that the
// release WASM build needs more than the default 128 levels to lay them out.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod booking;
pub mod catalog;
pub mod domain;
pub mod error;
pub mod gallery;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
mod shell;
#[cfg(feature = "ssr")]
pub use shell::shell;

use catalog::api::fetch_clinic_info;
use catalog::pages::{home::HomePage, treatment::TreatmentPage, treatments::TreatmentsPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
use ui::layout::{ClinicResource, SiteFooter, SiteHeader};
use ui::status::NotFound;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // The clinic's name, contact and hours appear on every page: load them once.
    let clinic: ClinicResource = Resource::new(|| (), |_| fetch_clinic_info());
    provide_context(clinic);

    // Lets tests (and curious developers) see when the page has become interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    // Every page waits for its data on the server, so the HTML that arrives is complete
    // (titles and descriptions included) and the page reads without JavaScript.
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/assets/favicon.svg"/>
        <Router>
            <div class="flex min-h-screen flex-col" data-hydrated=move || hydrated.get().to_string()>
                <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2">
                    "Skip to content"
                </a>
                <SiteHeader/>
                <main id="main" class="flex-1">
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/treatments") view=TreatmentsPage ssr=SsrMode::Async/>
                        <Route path=path!("/treatments/:slug") view=TreatmentPage ssr=SsrMode::Async/>
                        <Route path=path!("/gallery") view=gallery::pages::GalleryPage ssr=SsrMode::Async/>
                        <Route path=path!("/gallery/:gallery") view=gallery::pages::GalleryPage ssr=SsrMode::Async/>
                        <Route path=path!("/gallery/:gallery/:album") view=gallery::pages::GalleryPage ssr=SsrMode::Async/>
                        <Route path=path!("/cases/:slug") view=gallery::pages::CasePage ssr=SsrMode::Async/>
                        <Route path=path!("/book") view=booking::BookPage ssr=SsrMode::Async/>
                        <Route path=path!("/book/details") view=booking::pages::DetailsPage ssr=SsrMode::Async/>
                        <Route path=path!("/book/review") view=booking::pages::ReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/book/seat") view=booking::seats::SeatPage ssr=SsrMode::Async/>
                        <Route path=path!("/book/paid") view=booking::pages::PaidPage ssr=SsrMode::Async/>
                        <Route path=path!("/book/pay") view=booking::pay::RazorpayPayPage ssr=SsrMode::Async/>
                        <Route path=path!("/booking/:token") view=booking::manage::ManageBookingPage ssr=SsrMode::Async/>
                        <Route path=path!("/booking/:token/reschedule") view=booking::manage::RescheduleBookingPage ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in") view=account::pages::SignInPage ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in/verify") view=account::second_factor::pages::VerifySecondFactorPage ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in/set-up") view=account::second_factor::pages::SetUpSecondFactorPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view=account::password_reset::pages::ForgotPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password/sent") view=account::password_reset::pages::ResetLinkSentPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=account::password_reset::pages::ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/account") view=account::pages::AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/receipts/:id") view=account::receipts::ReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("/confirm-email-change") view=account::manage::pages::ConfirmEmailChangePage ssr=SsrMode::Async/>
                        <Route path=path!("/account-deleted") view=account::manage::pages::AccountDeletedPage ssr=SsrMode::Async/>
                        <Route path=path!("/register") view=account::registration::pages::RegisterPage ssr=SsrMode::Async/>
                        <Route path=path!("/register/check-email") view=account::registration::pages::CheckEmailPage ssr=SsrMode::Async/>
                        <Route path=path!("/confirm-email") view=account::registration::pages::ConfirmEmailPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/mailbox") view=admin::mailbox::MailboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view=admin::audit_log::AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/templates") view=admin::templates::pages::TemplateListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/templates/:kind/:channel") view=admin::templates::pages::TemplateEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/settings") view=admin::settings::SettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/staff") view=admin::staff::pages::StaffPage ssr=SsrMode::Async/>
                        <Route path=path!("/accept-invite") view=account::invitation::pages::AcceptInvitePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=admin::dashboard::AdminDashboardPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/calendar") view=admin::calendar::pages::CalendarPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/calendar/new") view=admin::calendar::pages::NewAppointmentPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/appointments/:id") view=admin::calendar::pages::AppointmentPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/patients") view=admin::patients::pages::PatientListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/payments") view=admin::payments::pages::PaymentsScreen ssr=SsrMode::Async/>
                        <Route path=path!("/admin/patients/:id") view=admin::patients::pages::PatientPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery") view=admin::gallery::pages::GalleryAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery/cases/:id") view=admin::gallery::pages::CaseEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery/cases/:id/preview") view=admin::gallery::pages::CasePreviewPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/treatments") view=admin::treatments::pages::TreatmentListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/treatments/:id") view=admin::treatments::pages::TreatmentEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/categories") view=admin::categories::pages::CategoryListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/categories/:id") view=admin::categories::pages::CategoryEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/providers") view=admin::providers::pages::ProviderListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/providers/:id") view=admin::providers::pages::ProviderEditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/locations") view=admin::locations::pages::LocationListPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/locations/:id") view=admin::locations::pages::LocationEditPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
