//! Lumen's web app: compiled natively with `ssr` for the server and to WASM with `hydrate`.
// Leptos views are nested types; the booking pages' views are deep enough that the
// release WASM build needs more than the default 128 levels to lay them out.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod assistant;
pub mod booking;
pub mod catalog;
pub mod domain;
pub mod error;
pub mod gallery;
pub mod lazy_pages;
pub mod ui;
pub mod waitlist;

#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
mod shell;
pub mod video;
#[cfg(feature = "ssr")]
pub use shell::shell;

use catalog::api::fetch_clinic_info;
use catalog::pages::{home::HomePage, treatment::TreatmentPage, treatments::TreatmentsPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use ui::interactive::marked;
use ui::layout::{ClinicResource, SiteFooter, SiteHeader};
use ui::status::NotFound;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // The clinic's name, contact and hours appear on every page: load them once.
    let clinic: ClinicResource = Resource::new(|| (), |_| fetch_clinic_info());
    provide_context(clinic);

    // Lets tests (and curious developers) see when the page has become interactive.
    let hydrated = ui::interactive::provide_mark();

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
                    <Routes fallback=|| marked(NotFound)>
                        <Route path=path!("/") view=|| marked(HomePage) ssr=SsrMode::Async/>
                        <Route path=path!("/treatments") view=|| marked(TreatmentsPage) ssr=SsrMode::Async/>
                        <Route path=path!("/treatments/:slug") view=|| marked(TreatmentPage) ssr=SsrMode::Async/>
                        <Route path=path!("/gallery") view=|| marked(gallery::pages::GalleryPage) ssr=SsrMode::Async/>
                        <Route path=path!("/gallery/:gallery") view=|| marked(gallery::pages::GalleryPage) ssr=SsrMode::Async/>
                        <Route path=path!("/gallery/:gallery/:album") view=|| marked(gallery::pages::GalleryPage) ssr=SsrMode::Async/>
                        <Route path=path!("/cases/:slug") view=|| marked(gallery::pages::CasePage) ssr=SsrMode::Async/>
                        <Route path=path!("/book") view={Lazy::<lazy_pages::Book>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/book/details") view={Lazy::<lazy_pages::Details>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/book/review") view={Lazy::<lazy_pages::Review>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/book/seat") view={Lazy::<lazy_pages::Seat>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/book/paid") view={Lazy::<lazy_pages::Paid>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/book/pay") view={Lazy::<lazy_pages::RazorpayPay>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/booking/:token") view={Lazy::<lazy_pages::ManageBooking>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/booking/:token/reschedule") view={Lazy::<lazy_pages::RescheduleBooking>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/waitlist") view={Lazy::<lazy_pages::JoinWaitlist>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/waitlist/joined") view={Lazy::<lazy_pages::JoinedWaitlist>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/waitlist/offer") view={Lazy::<lazy_pages::WaitlistOffer>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/waitlist/leave") view={Lazy::<lazy_pages::LeaveWaitlist>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/waitlist/left") view={Lazy::<lazy_pages::LeftWaitlist>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/assistant") view={Lazy::<lazy_pages::Assistant>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/visits/:id") view={Lazy::<lazy_pages::Visit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/booking/:token/visit") view={Lazy::<lazy_pages::BookingVisit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in") view={Lazy::<lazy_pages::SignIn>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in/verify") view={Lazy::<lazy_pages::VerifySecondFactor>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in/set-up") view={Lazy::<lazy_pages::SetUpSecondFactor>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view={Lazy::<lazy_pages::ForgotPassword>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password/sent") view={Lazy::<lazy_pages::ResetLinkSent>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view={Lazy::<lazy_pages::ResetPassword>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account") view={Lazy::<lazy_pages::Account>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/receipts/:id") view={Lazy::<lazy_pages::Receipt>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/confirm-email-change") view={Lazy::<lazy_pages::ConfirmEmailChange>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account-deleted") view={Lazy::<lazy_pages::AccountDeleted>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/register") view={Lazy::<lazy_pages::Register>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/register/check-email") view={Lazy::<lazy_pages::CheckEmail>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/confirm-email") view={Lazy::<lazy_pages::ConfirmEmail>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/assistant") view={Lazy::<lazy_pages::AssistantConversations>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/assistant/answers") view={Lazy::<lazy_pages::AssistantAnswers>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/assistant/:id") view={Lazy::<lazy_pages::AssistantConversation>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/mailbox") view={Lazy::<lazy_pages::Mailbox>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view={Lazy::<lazy_pages::AuditLog>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/templates") view={Lazy::<lazy_pages::TemplateList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/templates/:kind/:channel") view={Lazy::<lazy_pages::TemplateEdit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/settings") view={Lazy::<lazy_pages::Settings>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/staff") view={Lazy::<lazy_pages::Staff>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/accept-invite") view={Lazy::<lazy_pages::AcceptInvite>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view={Lazy::<lazy_pages::AdminDashboard>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/calendar") view={Lazy::<lazy_pages::Calendar>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/calendar/new") view={Lazy::<lazy_pages::NewAppointment>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/appointments/:id") view={Lazy::<lazy_pages::Appointment>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/patients") view={Lazy::<lazy_pages::PatientList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/payments") view={Lazy::<lazy_pages::PaymentsScreen>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/reports") view={Lazy::<lazy_pages::ReportsScreen>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/waitlist") view={Lazy::<lazy_pages::WaitlistScreen>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/patients/:id") view={Lazy::<lazy_pages::Patient>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery") view={Lazy::<lazy_pages::GalleryAdmin>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery/cases/:id") view={Lazy::<lazy_pages::CaseEdit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/gallery/cases/:id/preview") view={Lazy::<lazy_pages::CasePreview>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/treatments") view={Lazy::<lazy_pages::TreatmentList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/treatments/:id") view={Lazy::<lazy_pages::TreatmentEdit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/categories") view={Lazy::<lazy_pages::CategoryList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/categories/:id") view={Lazy::<lazy_pages::CategoryEdit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/providers") view={Lazy::<lazy_pages::ProviderList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/providers/:id") view={Lazy::<lazy_pages::ProviderEdit>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/locations") view={Lazy::<lazy_pages::LocationList>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/locations/:id") view={Lazy::<lazy_pages::LocationEdit>::new()} ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <SiteFooter/>
                <ui::ask::AskButton/>
            </div>
        </Router>
    }
}
