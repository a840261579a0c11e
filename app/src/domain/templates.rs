//! The messages a clinic may reword: each kind's variables (with sample values for the
//! preview), its built-in wording per channel, and how many SMS segments a text takes.
//! Wording is a template (`{{ first_name }}`); the backend renders and checks it.

/// A value a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    pub name: &'static str,
    pub meaning: &'static str,
    pub sample: &'static str,
}

/// A kind of message staff may reword, on the channels it goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub kind: &'static str,
    pub title: &'static str,
    /// Who reads it, to group the list: "Bookings", "Accounts" or "Staff".
    pub group: &'static str,
    pub channels: &'static [&'static str],
    pub variables: &'static [Variable],
    /// Variables the wording must keep: without them the message cannot do its job. A link
    /// (`…_link`) is required of emails only: a text never carries one.
    pub required: &'static [&'static str],
}

const FIRST_NAME: Variable = Variable {
    name: "first_name",
    meaning: "The patient's first name",
    sample: "Isla",
};
const TREATMENT: Variable = Variable {
    name: "treatment",
    meaning: "The treatment booked",
    sample: "Mole and skin check",
};
const PROVIDER: Variable = Variable {
    name: "provider",
    meaning: "Who sees the patient",
    sample: "Dr Lewis Grant",
};
const WHEN: Variable = Variable {
    name: "when",
    meaning: "The day and time, in the location's time zone",
    sample: "Tuesday 17 March 2026, 10:00–10:45",
};
const LOCATION: Variable = Variable {
    name: "location",
    meaning: "The location's name",
    sample: "Juniper Old Town",
};
const ADDRESS: Variable = Variable {
    name: "address",
    meaning: "The location's address",
    sample: "12 Cockburn Street, Edinburgh EH1 1BP",
};
const PHONE: Variable = Variable {
    name: "phone",
    meaning: "The location's phone number",
    sample: "0131 496 0123",
};
const CLINIC: Variable = Variable {
    name: "clinic",
    meaning: "The clinic's name",
    sample: "Juniper Skin & Aesthetics",
};
const MANAGE_LINK: Variable = Variable {
    name: "manage_link",
    meaning: "The patient's private link to see, move or cancel the booking",
    sample: "https://clinic.example/booking/…",
};
const MANAGE_LINK_IF_KNOWN: Variable = Variable {
    name: "manage_link",
    meaning: "The patient's private link to the booking when the patient made the change; empty when staff did (only the patient holds it)",
    sample: "https://clinic.example/booking/…",
};
const BY_VIDEO: Variable = Variable {
    name: "by_video",
    meaning: "\"yes\" when the appointment is a video visit, empty when it is in person",
    sample: "",
};
const VISIT_LINK: Variable = Variable {
    name: "visit_link",
    meaning: "For a video visit, the patient's private link to join it, when the change knows it (emails only: a text never carries it); empty otherwise",
    sample: "https://clinic.example/booking/…/visit",
};
const WAS: Variable = Variable {
    name: "was",
    meaning: "The day and time it was before it moved",
    sample: "Monday 16 March 2026, 15:00–15:45",
};
const BOOK_LINK: Variable = Variable {
    name: "book_link",
    meaning: "Where to book the treatment again",
    sample: "https://clinic.example/book?treatment=mole-check",
};
const LATE_CANCEL_HOURS: Variable = Variable {
    name: "late_cancel_hours",
    meaning: "Hours before the appointment inside which patients must call to change it",
    sample: "48",
};

const AMOUNT: Variable = Variable {
    name: "amount",
    meaning: "The amount refunded, in the clinic's currency",
    sample: "£50",
};
const WHY: Variable = Variable {
    name: "why",
    meaning: "Why the money was returned, in one sentence",
    sample: "You cancelled your booking in good time.",
};

const PAID: Variable = Variable {
    name: "amount",
    meaning: "The amount paid, in the clinic's currency",
    sample: "£50",
};
const PAID_ON: Variable = Variable {
    name: "paid_on",
    meaning: "When it was paid, in the clinic's time",
    sample: "16 March 2026, 08:05",
};
const RECEIPT_NUMBER: Variable = Variable {
    name: "receipt_number",
    meaning: "The receipt's number, for the patient to quote",
    sample: "3F9A1C2B",
};

const WAITING_FOR: Variable = Variable {
    name: "waiting_for",
    meaning: "The days and hours the patient can come, and until when",
    sample: "Mondays and Thursdays, 09:00–12:30, until Thursday 30 April 2026",
};
const OFFER_LINK: Variable = Variable {
    name: "offer_link",
    meaning: "The patient's private link to take the offered time (or leave the waitlist); emails only, a text never carries it",
    sample: "https://clinic.example/waitlist/offer?token=…",
};
const LEAVE_LINK: Variable = Variable {
    name: "leave_link",
    meaning: "The patient's private link to leave the waitlist",
    sample: "https://clinic.example/waitlist/leave?token=…",
};
const HELD_UNTIL: Variable = Variable {
    name: "held_until",
    meaning: "Until when the offered time is held, in the location's time",
    sample: "10:35",
};
const OTHERS: Variable = Variable {
    name: "others",
    meaning:
        "How many other patients on the waitlist were offered the same time at once (0 when none)",
    sample: "2",
};

pub const WAITLIST_JOINED: Kind = Kind {
    kind: "waitlist_joined",
    title: "On the waitlist",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME,
        TREATMENT,
        WAITING_FOR,
        LEAVE_LINK,
        PHONE,
        CLINIC,
    ],
    required: &["leave_link"],
};

pub const WAITLIST_OFFER: Kind = Kind {
    kind: "waitlist_offer",
    title: "A time from the waitlist",
    group: "Bookings",
    channels: &["email", "sms"],
    variables: &[
        FIRST_NAME, TREATMENT, PROVIDER, WHEN, LOCATION, HELD_UNTIL, OTHERS, OFFER_LINK, PHONE,
        CLINIC,
    ],
    required: &["offer_link", "when"],
};

pub const WAITLIST_GONE: Kind = Kind {
    kind: "waitlist_gone",
    title: "A waitlist time was taken",
    group: "Bookings",
    channels: &["email"],
    variables: &[FIRST_NAME, TREATMENT, WHEN, PHONE, CLINIC],
    required: &[],
};

pub const BOOKING_CONFIRMED: Kind = Kind {
    kind: "booking_confirmed",
    title: "Booking confirmed",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME,
        TREATMENT,
        PROVIDER,
        WHEN,
        LOCATION,
        ADDRESS,
        PHONE,
        CLINIC,
        MANAGE_LINK,
        LATE_CANCEL_HOURS,
        BY_VIDEO,
        VISIT_LINK,
    ],
    required: &["manage_link"],
};

pub const BOOKING_MOVED: Kind = Kind {
    kind: "booking_moved",
    title: "Booking moved",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME,
        TREATMENT,
        PROVIDER,
        WHEN,
        WAS,
        LOCATION,
        ADDRESS,
        PHONE,
        CLINIC,
        MANAGE_LINK_IF_KNOWN,
        BY_VIDEO,
        VISIT_LINK,
    ],
    required: &["when"],
};

pub const BOOKING_CANCELLED: Kind = Kind {
    kind: "booking_cancelled",
    title: "Booking cancelled",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME, TREATMENT, PROVIDER, WHEN, LOCATION, PHONE, CLINIC, BOOK_LINK,
    ],
    required: &[],
};

pub const SEAT_BOOKED: Kind = Kind {
    kind: "seat_booked",
    title: "Place at a group session",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME, TREATMENT, PROVIDER, WHEN, LOCATION, ADDRESS, PHONE, CLINIC,
    ],
    required: &[],
};

pub const REMINDER: Kind = Kind {
    kind: "reminder",
    title: "Appointment reminder",
    group: "Bookings",
    channels: &["email", "sms", "whatsapp"],
    variables: &[
        FIRST_NAME, TREATMENT, PROVIDER, WHEN, LOCATION, ADDRESS, PHONE, CLINIC, BY_VIDEO,
        VISIT_LINK,
    ],
    required: &[],
};

const CONFIRM_LINK: Variable = Variable {
    name: "confirm_link",
    meaning: "The single-use link that confirms the address",
    sample: "https://clinic.example/confirm-email?token=…",
};
const SIGN_IN_LINK: Variable = Variable {
    name: "sign_in_link",
    meaning: "Where to sign in",
    sample: "https://clinic.example/sign-in",
};
const RESET_LINK: Variable = Variable {
    name: "reset_link",
    meaning: "The single-use link to choose a new password (it works for one hour)",
    sample: "https://clinic.example/reset-password?token=…",
};
const FORGOT_PASSWORD_LINK: Variable = Variable {
    name: "forgot_password_link",
    meaning: "Where to ask for a password reset",
    sample: "https://clinic.example/forgot-password",
};
const NAME: Variable = Variable {
    name: "name",
    meaning: "The new colleague's name",
    sample: "Morag Reid",
};
const INVITER: Variable = Variable {
    name: "inviter",
    meaning: "Who invited them",
    sample: "Dr Lewis Grant",
};
const ROLE: Variable = Variable {
    name: "role",
    meaning: "The role they are given",
    sample: "front desk",
};
const INVITE_LINK: Variable = Variable {
    name: "invite_link",
    meaning: "The single-use link to choose a password (it works for seven days)",
    sample: "https://clinic.example/accept-invite?token=…",
};

const REASON: Variable = Variable {
    name: "reason",
    meaning: "Why the assistant called staff, without the patient's words",
    sample: "A patient described signs of a blocked blood vessel after filler.",
};
const CONVERSATION_LINK: Variable = Variable {
    name: "conversation_link",
    meaning: "The conversation in the staff area (staff sign in to read it)",
    sample: "https://clinic.example/admin/assistant/…",
};

pub const ASSISTANT_ALERT: Kind = Kind {
    kind: "assistant_alert",
    title: "The assistant needs a person",
    group: "Staff",
    channels: &["email"],
    variables: &[REASON, CONVERSATION_LINK, CLINIC],
    required: &["conversation_link"],
};

pub const VERIFY_EMAIL: Kind = Kind {
    kind: "verify_email",
    title: "Confirm a new account",
    group: "Accounts",
    channels: &["email"],
    variables: &[FIRST_NAME, CLINIC, CONFIRM_LINK],
    required: &["confirm_link"],
};

pub const ALREADY_REGISTERED: Kind = Kind {
    kind: "already_registered",
    title: "Registering with an address that has an account",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC, SIGN_IN_LINK],
    required: &[],
};

pub const RESET_PASSWORD: Kind = Kind {
    kind: "reset_password",
    title: "Password reset",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC, RESET_LINK],
    required: &["reset_link"],
};

pub const CHANGE_EMAIL: Kind = Kind {
    kind: "change_email",
    title: "Confirm a new email address",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC, CONFIRM_LINK],
    required: &["confirm_link"],
};

pub const CHANGE_EMAIL_TAKEN: Kind = Kind {
    kind: "change_email_taken",
    title: "New email address already has an account",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC, FORGOT_PASSWORD_LINK],
    required: &[],
};

pub const CHANGE_EMAIL_REQUESTED: Kind = Kind {
    kind: "change_email_requested",
    title: "A change of email address was asked for",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC, FORGOT_PASSWORD_LINK],
    required: &[],
};

pub const EMAIL_CHANGED: Kind = Kind {
    kind: "email_changed",
    title: "Email address changed",
    group: "Accounts",
    channels: &["email"],
    variables: &[CLINIC],
    required: &[],
};

pub const STAFF_INVITE: Kind = Kind {
    kind: "staff_invite",
    title: "Invitation to the staff area",
    group: "Staff",
    channels: &["email"],
    variables: &[NAME, INVITER, ROLE, CLINIC, INVITE_LINK],
    required: &["invite_link"],
};

pub const SECOND_FACTOR_RESET: Kind = Kind {
    kind: "second_factor_reset",
    title: "Sign-in authenticator reset",
    group: "Staff",
    channels: &["email"],
    variables: &[CLINIC],
    required: &[],
};

pub const PAYMENT_REFUNDED: Kind = Kind {
    kind: "payment_refunded",
    title: "Payment refunded",
    group: "Bookings",
    channels: &["email"],
    variables: &[FIRST_NAME, AMOUNT, WHY, TREATMENT, WHEN, PHONE, CLINIC],
    required: &["amount"],
};

pub const PAYMENT_RECEIPT: Kind = Kind {
    kind: "payment_receipt",
    title: "Payment receipt",
    group: "Bookings",
    channels: &["email"],
    variables: &[
        FIRST_NAME,
        PAID,
        TREATMENT,
        WHEN,
        PAID_ON,
        RECEIPT_NUMBER,
        CLINIC,
        ADDRESS,
    ],
    required: &["amount", "receipt_number"],
};

pub const KINDS: [Kind; 20] = [
    BOOKING_CONFIRMED,
    BOOKING_MOVED,
    BOOKING_CANCELLED,
    SEAT_BOOKED,
    REMINDER,
    WAITLIST_JOINED,
    WAITLIST_OFFER,
    WAITLIST_GONE,
    PAYMENT_RECEIPT,
    PAYMENT_REFUNDED,
    VERIFY_EMAIL,
    ALREADY_REGISTERED,
    RESET_PASSWORD,
    CHANGE_EMAIL,
    CHANGE_EMAIL_TAKEN,
    CHANGE_EMAIL_REQUESTED,
    EMAIL_CHANGED,
    STAFF_INVITE,
    SECOND_FACTOR_RESET,
    ASSISTANT_ALERT,
];

pub fn kind(kind: &str) -> Option<Kind> {
    KINDS.into_iter().find(|k| k.kind == kind)
}

impl Kind {
    pub fn goes_by(&self, channel: &str) -> bool {
        self.channels.contains(&channel)
    }

    /// Whether the wording on `channel` must keep variable `name`.
    pub fn requires(&self, channel: &str, name: &str) -> bool {
        self.required.contains(&name) && (channel == "email" || !name.ends_with("_link"))
    }

    /// The built-in subject (emails only) and body for `channel`.
    pub fn default_wording(&self, channel: &str) -> (&'static str, &'static str) {
        match (self.kind, channel) {
            ("booking_confirmed", _) => (
                "Your booking at {{ clinic }} is confirmed",
                "Hello {{ first_name }},\n\nYou're booked for {{ treatment }} with {{ provider }} on {{ when }}.\n\n\
                 {% if by_video %}This is a video visit. Join it from this page, which opens ten minutes before \
                 the start and checks your camera and microphone first:\n{{ visit_link }}\n\n\
                 {% else %}Where: {{ location }}, {{ address }}\n\n\
                 {% endif %}To see, move or cancel your booking, or add it to your calendar, open:\n{{ manage_link }}\n\n\
                 Keep this link private: it opens your booking without signing in. \
                 To change your booking less than {{ late_cancel_hours }} hours before it, please call {{ phone }}.\n\n{{ clinic }}",
            ),
            ("booking_moved", _) => (
                "Your booking at {{ clinic }} has moved",
                "Hello {{ first_name }},\n\nYour {{ treatment }} with {{ provider }} is now on {{ when }} \
                 (it was {{ was }}).\n\n{% if by_video %}{% if visit_link %}It is a video visit: join it from \
                 this page, which opens ten minutes before the start:\n{{ visit_link }}\n\n\
                 {% else %}It is a video visit: join it from the link in your confirmation email.\n\n\
                 {% endif %}{% else %}Where: {{ location }}, {{ address }}\n\n{% endif %}\
                 {% if manage_link %}To see, move or cancel it, open:\n{{ manage_link }}\n\n\
                 {% else %}To see, move or cancel it, use the link in your confirmation email, or call {{ phone }}.\n\n\
                 {% endif %}{{ clinic }}",
            ),
            ("booking_cancelled", _) => (
                "Your booking at {{ clinic }} is cancelled",
                "Hello {{ first_name }},\n\nYour {{ treatment }} with {{ provider }} on {{ when }} is cancelled.\n\n\
                 To book again, visit {{ book_link }} or call {{ phone }}.\n\n{{ clinic }}",
            ),
            ("payment_receipt", _) => (
                "Your receipt from {{ clinic }}",
                "Hello {{ first_name }},\n\nThank you for your payment. This is your receipt.\n\n\
                 Receipt {{ receipt_number }}\n\
                 Paid {{ paid_on }}: {{ amount }}, towards {{ treatment }} on {{ when }}.\n\n\
                 {{ clinic }}, {{ address }}\n\n\
                 With an account, you'll find this receipt, and any refund of it, under \"Your account\".",
            ),
            ("payment_refunded", _) => (
                "{{ clinic }} has refunded {{ amount }}",
                "Hello {{ first_name }},\n\nWe have refunded {{ amount }} for your {{ treatment }} on {{ when }}. \
                 {{ why }}\n\n\
                 The money goes back to the card you paid with; banks take up to ten days to show it.\n\n\
                 If you have a question, call {{ phone }}.\n\n{{ clinic }}",
            ),
            ("waitlist_joined", _) => (
                "You're on the waitlist for {{ treatment }}",
                "Hello {{ first_name }},\n\nYou're on {{ clinic }}'s waitlist for {{ treatment }}: {{ waiting_for }}.\n\n\
                 When such a time comes free, we'll email you and hold it for a short while. We may offer \
                 it to a few patients at once: the first to take it gets it.\n\n\
                 To leave the waitlist, open:\n{{ leave_link }}\n\n\
                 Questions? Call {{ phone }}.\n\n{{ clinic }}",
            ),
            ("waitlist_offer", "sms") => (
                "",
                "{{ clinic }}: a time for {{ treatment }} has come free, {{ when }}, held until \
                 {{ held_until }}. Take it from the link in our email. Reply STOP to opt out.",
            ),
            ("waitlist_offer", _) => (
                "A time for {{ treatment }} has come free",
                "Hello {{ first_name }},\n\nA time you can do has come free: {{ treatment }} with {{ provider }} \
                 on {{ when }}, at {{ location }}.\n\n\
                 It's held until {{ held_until }}{% if others != \"0\" %} for you and {{ others }} \
                 other{% if others != \"1\" %}s{% endif %} on the waitlist: the first to take it gets it{% endif %}. To take it (or leave the waitlist), open:\n\
                 {{ offer_link }}\n\n\
                 Keep this link private. If the time doesn't suit you, do nothing: you stay on the waitlist.\n\n\
                 {{ clinic }}",
            ),
            ("waitlist_gone", _) => (
                "The {{ treatment }} time has been taken",
                "Hello {{ first_name }},\n\nThe time we offered you, {{ when }}, was taken by another patient \
                 on the waitlist first. You're still on the waitlist, and we'll email you when another time \
                 comes free.\n\nQuestions? Call {{ phone }}.\n\n{{ clinic }}",
            ),
            ("seat_booked", _) => (
                "Your place at {{ treatment }}",
                "Hello {{ first_name }},\n\nYou have a place at {{ treatment }} on {{ when }}, with {{ provider }} \
                 at {{ location }}, {{ address }}.\n\n\
                 If you can no longer come, please call {{ phone }} so someone else can have your place.\n\n{{ clinic }}",
            ),
            ("verify_email", _) => (
                "Confirm your email address for {{ clinic }}",
                "Hello {{ first_name }},\n\n\
                 Please confirm your email address to finish creating your account with {{ clinic }}:\n\n\
                 {{ confirm_link }}\n\n\
                 The link works once, for 48 hours. If you didn't ask for an account, you can ignore \
                 this email and nothing more will happen.\n\n{{ clinic }}",
            ),
            ("already_registered", _) => (
                "You already have an account with {{ clinic }}",
                "Hello,\n\n\
                 Someone (we hope you) tried to create an account with {{ clinic }} using this \
                 email address. You already have an account: sign in at {{ sign_in_link }}\n\n\
                 If you have forgotten your password, call the clinic and we will help. If it \
                 wasn't you, you can ignore this email: your account has not changed.\n\n{{ clinic }}",
            ),
            ("reset_password", _) => (
                "Reset your password for {{ clinic }}",
                "Hello,\n\n\
                 Someone (we hope you) asked to reset the password of your account with {{ clinic }}. \
                 Choose a new password here:\n\n{{ reset_link }}\n\n\
                 The link works once, for one hour. If you didn't ask, ignore this email: your \
                 password has not changed.\n\n{{ clinic }}",
            ),
            ("change_email", _) => (
                "Confirm your new email for {{ clinic }}",
                "Hello,\n\n\
                 To sign in to {{ clinic }} with this address from now on, confirm it here:\n\n\
                 {{ confirm_link }}\n\n\
                 The link works once, for 24 hours. If you didn't ask for this, ignore this email.\n\n\
                 {{ clinic }}",
            ),
            ("change_email_taken", _) => (
                "Your account with {{ clinic }}",
                "Hello,\n\n\
                 Someone asked to move another account with {{ clinic }} to this address, but this \
                 address already has an account, so nothing was changed. If you have forgotten \
                 your password, reset it here:\n\n{{ forgot_password_link }}\n\n{{ clinic }}",
            ),
            ("change_email_requested", _) => (
                "A change of email was asked for on your {{ clinic }} account",
                "Hello,\n\n\
                 Someone signed in to your account with {{ clinic }} asked to change its email address. \
                 Nothing changes until the new address is confirmed. If this wasn't you, change \
                 your password now:\n\n{{ forgot_password_link }}\n\n{{ clinic }}",
            ),
            ("email_changed", _) => (
                "Your {{ clinic }} account's email was changed",
                "Hello,\n\n\
                 Your account with {{ clinic }} now signs in with a different email address, and our \
                 messages go there. If you didn't make this change, call the clinic.\n\n{{ clinic }}",
            ),
            ("staff_invite", _) => (
                "You're invited to {{ clinic }}'s staff area",
                "Hello {{ name }},\n\n\
                 {{ inviter }} has invited you to {{ clinic }}'s staff area as {{ role }}. Choose your password \
                 here:\n\n{{ invite_link }}\n\n\
                 The link works once, for seven days. When you first sign in you will also set up an \
                 authenticator app on your phone.\n\n{{ clinic }}",
            ),
            ("assistant_alert", _) => (
                "{{ clinic }}: a patient needs a person in the assistant",
                "{{ reason }}\n\n\
                 Read the conversation and reply to the patient here (sign in first):\n{{ conversation_link }}\n\n\
                 The patient's words are kept in the staff area only.\n\n{{ clinic }}",
            ),
            ("second_factor_reset", _) => (
                "Your sign-in authenticator for {{ clinic }} was reset",
                "Hello,\n\n\
                 An administrator at {{ clinic }} reset the authenticator you sign in with. The next \
                 time you sign in, you'll scan a new QR code and get new recovery codes; the old \
                 ones no longer work. If you didn't ask for this, tell the clinic.\n\n{{ clinic }}",
            ),
            ("reminder", "sms") => (
                "",
                "{{ clinic }}: reminder of your {{ treatment }} with {{ provider }} on {{ when }}, \
                 {% if by_video %}by video: join from the link in your email{% else %}{{ location }}{% endif %}. \
                 Reply C to confirm; to change it, call {{ phone }}. Reply STOP to opt out.",
            ),
            ("reminder", "whatsapp") => (
                "",
                "{{ clinic }}: reminder of your {{ treatment }} with {{ provider }} on {{ when }}, \
                 {% if by_video %}by video: join from the link in your email{% else %}{{ location }}{% endif %}. \
                 Reply C to confirm; to change it, call {{ phone }}.",
            ),
            _ => (
                "Reminder: your {{ treatment }} at {{ clinic }}",
                "Hello {{ first_name }},\n\nA reminder of your {{ treatment }} with {{ provider }} on {{ when }}, \
                 {% if by_video %}by video.\n\n{% if visit_link %}Join it from this page, which opens ten minutes \
                 before the start and checks your camera and microphone first:\n{{ visit_link }}\n\n\
                 {% else %}Join it from the link in your confirmation email.\n\n{% endif %}\
                 {% else %}at {{ location }}, {{ address }}.\n\n{% endif %}\
                 To move or cancel it, use the link in your confirmation email, or call {{ phone }}.\n\n{{ clinic }}",
            ),
        }
    }
}

/// How a text is carried: GSM-7 fits 160 characters in one SMS (153 each when split);
/// any other character (an emoji, most accents outside Western Europe) makes the whole
/// text UCS-2, 70 (67 when split).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    pub unicode: bool,
    /// Length in the encoding's units (GSM-7 counts `€`, `[`, `{` and the like twice).
    pub units: usize,
    pub segments: usize,
}

const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

pub fn sms_segments(text: &str) -> Segments {
    let gsm_units: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7.contains(c) {
                Some(1)
            } else if GSM7_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (unicode, units, single, each) = match gsm_units {
        Some(units) => (false, units, 160, 153),
        None => (true, text.encode_utf16().count(), 70, 67),
    };
    let segments = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(each),
    };
    Segments {
        unicode,
        units,
        segments,
    }
}

/// A text with the typographic characters GSM-7 lacks (dashes, curly quotes, the ellipsis,
/// non-breaking spaces) written plainly, so that one en dash in a time range does not turn
/// the whole SMS into UCS-2 and double or treble what it costs.
pub fn gsm_friendly(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2013}' | '\u{2014}' | '\u{2212}' => plain.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{2032}' => plain.push('\''),
            '\u{201C}' | '\u{201D}' => plain.push('"'),
            '\u{2026}' => plain.push_str("..."),
            '\u{00A0}' | '\u{2009}' | '\u{202F}' => plain.push(' '),
            other => plain.push(other),
        }
    }
    plain
}

impl Segments {
    pub fn words(&self) -> String {
        let encoding = if self.unicode {
            "special characters: 70 a message"
        } else {
            "160 a message"
        };
        let messages = if self.segments == 1 {
            "1 message".to_owned()
        } else {
            format!("{} messages", self.segments)
        };
        format!("{} characters ({encoding}): {messages}", self.units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_texts_take_160_a_segment_and_153_when_split() {
        assert_eq!(sms_segments("").segments, 0);
        assert_eq!(sms_segments(&"a".repeat(160)).segments, 1);
        assert_eq!(sms_segments(&"a".repeat(161)).segments, 2);
        assert_eq!(sms_segments(&"a".repeat(306)).segments, 2);
        assert_eq!(sms_segments(&"a".repeat(307)).segments, 3);
        // The euro sign is an escape and a letter: two units.
        let euro = sms_segments("€5");
        assert_eq!((euro.unicode, euro.units), (false, 3));
    }

    #[test]
    fn one_emoji_makes_the_whole_text_unicode() {
        let text = format!("{}😊", "a".repeat(68));
        let s = sms_segments(&text);
        assert!(s.unicode);
        assert_eq!(s.units, 70);
        assert_eq!(s.segments, 1);
        assert_eq!(sms_segments(&format!("{text}b")).segments, 2);
        assert_eq!(
            sms_segments("Grüße ✓").words(),
            "7 characters (special characters: 70 a message): 1 message"
        );
    }

    #[test]
    fn typographic_punctuation_is_written_plainly_and_stays_gsm() {
        let text =
            gsm_friendly("Tue 10:00\u{2013}10:45, \u{201C}see you\u{201D}\u{2026} it\u{2019}s");
        assert_eq!(text, "Tue 10:00-10:45, \"see you\"... it's");
        assert!(!sms_segments(&text).unicode);
        // Emoji and other scripts are left as they are: they are the patient's words.
        assert_eq!(gsm_friendly("Спасибо 😊"), "Спасибо 😊");
    }

    #[test]
    fn every_kind_has_wording_for_each_of_its_channels() {
        for kind in KINDS {
            for channel in kind.channels {
                let (subject, body) = kind.default_wording(channel);
                assert_eq!(
                    subject.is_empty(),
                    *channel != "email",
                    "{} {channel}",
                    kind.kind
                );
                assert!(body.contains("{{ clinic }}"), "{} {channel}", kind.kind);
            }
        }
        assert!(REMINDER.default_wording("sms").1.contains("STOP"));
    }
}
