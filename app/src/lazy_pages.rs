//! Every page but the public ones is loaded by the browser when one of its area is first
//! visited: with `cargo leptos --split` each area is a WebAssembly chunk of its own (code
//! two areas share goes in chunks of its own too), so a patient reading about a treatment
//! never downloads the booking steps, the account pages or the staff screens. The server
//! renders them as before, and a page visited first hydrates once its area has arrived.
//!
//! Areas, not pages: the splitter makes a chunk for every combination of split points that
//! shares code, so one split per page gave some 700 files, each optimised on its own (nine
//! minutes of `wasm-opt`), and a staff screen's first visit a dozen requests.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// An area's pages: `booking_pages, __preload_booking_pages, BookingPage { Book =>
/// crate::booking::BookPage, … }` makes the chunk's entry `booking_pages`, a `BookingPage`
/// naming each page, and a route for each (`Book`), used as `view={Lazy::<Book>::new()}`.
macro_rules! lazy_area {
    ($(#[$doc:meta])* $entry:ident, $preload:ident, $area:ident { $($route:ident => $page:path,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $area {
            $($route,)*
        }

        $(#[$doc])*
        #[lazy]
        fn $entry(page: $area) -> AnyView {
            match page {
                $($area::$route => $page().into_any(),)*
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                // Each page loads its own data, from its area's chunk.
                fn data() -> Self {
                    $route
                }

                async fn view(_route: Self) -> AnyView {
                    let page = $entry($area::$route).await;
                    crate::ui::interactive::mark_when_hydrated();
                    page
                }

                // The chunk is fetched while the route's data loads, not after.
                async fn preload() {
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

lazy_area! {
    /// The booking steps and a booking's own pages.
    booking_pages, __preload_booking_pages, BookingPage {
        Book => crate::booking::BookPage,
        Details => crate::booking::pages::DetailsPage,
        Review => crate::booking::pages::ReviewPage,
        Seat => crate::booking::seats::SeatPage,
        Paid => crate::booking::pages::PaidPage,
        RazorpayPay => crate::booking::pay::RazorpayPayPage,
        ManageBooking => crate::booking::manage::ManageBookingPage,
        RescheduleBooking => crate::booking::manage::RescheduleBookingPage,
    }
}

lazy_area! {
    /// Signing in and up, a patient's account, and the waitlist.
    account_pages, __preload_account_pages, AccountPage {
        SignIn => crate::account::pages::SignInPage,
        VerifySecondFactor => crate::account::second_factor::pages::VerifySecondFactorPage,
        SetUpSecondFactor => crate::account::second_factor::pages::SetUpSecondFactorPage,
        ForgotPassword => crate::account::password_reset::pages::ForgotPasswordPage,
        ResetLinkSent => crate::account::password_reset::pages::ResetLinkSentPage,
        ResetPassword => crate::account::password_reset::pages::ResetPasswordPage,
        Account => crate::account::pages::AccountPage,
        Receipt => crate::account::receipts::ReceiptPage,
        ConfirmEmailChange => crate::account::manage::pages::ConfirmEmailChangePage,
        AccountDeleted => crate::account::manage::pages::AccountDeletedPage,
        Register => crate::account::registration::pages::RegisterPage,
        CheckEmail => crate::account::registration::pages::CheckEmailPage,
        ConfirmEmail => crate::account::registration::pages::ConfirmEmailPage,
        AcceptInvite => crate::account::invitation::pages::AcceptInvitePage,
        // The waitlist is a patient's own too. An area of its own cost the booking picker
        // 11 KB of finer shared chunks (the splitter makes one per combination of areas).
        JoinWaitlist => crate::waitlist::pages::JoinPage,
        JoinedWaitlist => crate::waitlist::pages::JoinedPage,
        WaitlistOffer => crate::waitlist::pages::OfferPage,
        LeaveWaitlist => crate::waitlist::pages::LeavePage,
        LeftWaitlist => crate::waitlist::pages::LeftPage,
    }
}

lazy_area! {
    /// The staff area.
    staff_pages, __preload_staff_pages, StaffPage {
        Mailbox => crate::admin::mailbox::MailboxPage,
        AssistantConversations => crate::admin::assistant::pages::ConversationsPage,
        AssistantConversation => crate::admin::assistant::pages::ConversationPage,
        AssistantAnswers => crate::admin::assistant::pages::AnswersPage,
        AuditLog => crate::admin::audit_log::AuditLogPage,
        TemplateList => crate::admin::templates::pages::TemplateListPage,
        TemplateEdit => crate::admin::templates::pages::TemplateEditPage,
        Settings => crate::admin::settings::SettingsPage,
        Staff => crate::admin::staff::pages::StaffPage,
        AdminDashboard => crate::admin::dashboard::AdminDashboardPage,
        Calendar => crate::admin::calendar::pages::CalendarPage,
        NewAppointment => crate::admin::calendar::pages::NewAppointmentPage,
        Appointment => crate::admin::calendar::pages::AppointmentPage,
        PatientList => crate::admin::patients::pages::PatientListPage,
        PaymentsScreen => crate::admin::payments::pages::PaymentsScreen,
        ReportsScreen => crate::admin::reports::pages::ReportsScreen,
        WaitlistScreen => crate::admin::waitlist::pages::WaitlistScreen,
        Patient => crate::admin::patients::pages::PatientPage,
        GalleryAdmin => crate::admin::gallery::pages::GalleryAdminPage,
        CaseEdit => crate::admin::gallery::pages::CaseEditPage,
        CasePreview => crate::admin::gallery::pages::CasePreviewPage,
        TreatmentList => crate::admin::treatments::pages::TreatmentListPage,
        TreatmentEdit => crate::admin::treatments::pages::TreatmentEditPage,
        CategoryList => crate::admin::categories::pages::CategoryListPage,
        CategoryEdit => crate::admin::categories::pages::CategoryEditPage,
        ProviderList => crate::admin::providers::pages::ProviderListPage,
        ProviderEdit => crate::admin::providers::pages::ProviderEditPage,
        LocationList => crate::admin::locations::pages::LocationListPage,
        LocationEdit => crate::admin::locations::pages::LocationEditPage,
    }
}

lazy_area! {
    /// The assistant's page.
    assistant_pages, __preload_assistant_pages, AssistantArea {
        Assistant => crate::assistant::pages::AssistantPage,
    }
}

lazy_area! {
    /// A video visit's room, with its call.
    video_pages, __preload_video_pages, VideoArea {
        Visit => crate::video::pages::VisitPage,
        BookingVisit => crate::video::pages::BookingVisitPage,
    }
}

/// Opens the assistant's panel over a public page, its code loaded the first time.
#[lazy]
pub fn assistant_panel() {
    crate::assistant::panel::open();
}
