//! The demo clinic's content. Every person, address and phone number here is invented;
//! the phone numbers are in Ofcom's range reserved for drama (0131 496 0000–0999).

use super::art::Concern;

pub struct ClinicSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub tagline: &'static str,
    pub time_zone: &'static str,
    pub currency: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
}

pub const CLINIC: ClinicSeed = ClinicSeed {
    slug: "juniper",
    name: "Juniper Skin & Aesthetics",
    tagline:
        "Doctor-led skin and aesthetic care in Edinburgh, with results that still look like you.",
    time_zone: "Europe/London",
    currency: "GBP",
    email: "hello@juniper-clinic.example",
    phone: "+44 131 496 0100",
};

pub struct LocationSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub line1: &'static str,
    pub line2: &'static str,
    pub city: &'static str,
    pub postcode: &'static str,
    pub phone: &'static str,
    /// (ISO weekday, opens, closes)
    pub hours: &'static [(i16, &'static str, &'static str)],
    pub rooms: &'static [(&'static str, &'static str)],
}

pub const LOCATIONS: [LocationSeed; 2] = [
    LocationSeed {
        slug: "new-town",
        name: "New Town",
        line1: "14 Hanover Lane",
        line2: "First floor",
        city: "Edinburgh",
        postcode: "EH2 4AB",
        phone: "0131 496 0123",
        hours: &[
            (1, "09:00", "19:00"),
            (2, "09:00", "19:00"),
            (3, "09:00", "19:00"),
            (4, "09:00", "19:00"),
            (5, "09:00", "19:00"),
            (6, "10:00", "16:00"),
        ],
        rooms: &[
            ("Treatment room 1", "room"),
            ("Treatment room 2", "room"),
            ("Laser suite", "room"),
            ("Nd:YAG laser", "device"),
        ],
    },
    LocationSeed {
        slug: "leith",
        name: "Leith",
        line1: "3 Shore Quay",
        line2: "",
        city: "Edinburgh",
        postcode: "EH6 6QW",
        phone: "0131 496 0456",
        hours: &[
            (2, "10:00", "18:00"),
            (3, "10:00", "18:00"),
            (4, "10:00", "20:00"),
            (5, "10:00", "18:00"),
            (6, "09:00", "15:00"),
        ],
        rooms: &[
            ("Garden room", "room"),
            ("Skin studio", "room"),
            ("HydraFacial system", "device"),
        ],
    },
];

pub struct TreatmentSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub minutes: i32,
    pub price_pounds: i64,
    pub buffer_after: i32,
    pub in_person: bool,
    pub video: bool,
    pub featured: bool,
    /// A group treatment's places per session; `None` for one patient at a time.
    pub capacity: Option<i32>,
}

pub struct CategorySeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub treatments: &'static [TreatmentSeed],
}

const fn treatment(
    slug: &'static str,
    name: &'static str,
    summary: &'static str,
    description: &'static str,
    minutes: i32,
    price_pounds: i64,
) -> TreatmentSeed {
    TreatmentSeed {
        slug,
        name,
        summary,
        description,
        minutes,
        price_pounds,
        buffer_after: 10,
        in_person: true,
        video: false,
        featured: false,
        capacity: None,
    }
}

pub const CATEGORIES: [CategorySeed; 4] = [
    CategorySeed {
        slug: "injectables",
        name: "Injectables",
        description: "Anti-wrinkle treatments and dermal fillers, always after a consultation with a prescriber.",
        treatments: &[
            TreatmentSeed { featured: true, ..treatment("anti-wrinkle-three-areas", "Anti-wrinkle treatment, three areas", "Softens frown lines, forehead lines and crow's feet while keeping your expressions.", "A prescription-only muscle relaxant is placed with very fine needles into the muscles that crease the skin. Most people see the effect settle in over ten to fourteen days, and it lasts about three to four months.\n\nYour review two weeks later is included, and small top-ups at that review cost nothing.", 30, 280) },
            TreatmentSeed { featured: true, ..treatment("lip-enhancement", "Lip enhancement", "Adds shape, balance and hydration with a hyaluronic acid filler.", "We start with what you would like to change and look at your lips' proportions before suggesting anything. A hyaluronic acid filler, which the body breaks down over time, is placed in small amounts with a numbing cream first.\n\nExpect some swelling for two to three days. Results typically last six to nine months.", 45, 320) },
            treatment("cheek-filler", "Cheek and mid-face filler", "Restores lost volume in the cheeks to lift and refresh the mid-face.", "Volume in the cheeks fades with age, which can make the face look tired. Placing filler along the cheekbone supports the tissue above the lower face.\n\nResults typically last twelve to eighteen months.", 60, 480),
            treatment("skin-boosters", "Skin boosters", "Injectable hydration for crepey, dull skin on the face, neck or hands.", "Two sessions four weeks apart deliver a stabilised hyaluronic acid across the treated area, improving hydration and firmness from within.\n\nThe price is per session.", 30, 350),
            treatment("tear-trough", "Tear trough treatment", "Softens hollows under the eyes that make you look tired.", "A soft filler is placed with a blunt cannula beneath the eye hollow. This delicate area is treated only by our doctors, and only after a consultation that confirms it suits you.", 45, 450),
        ],
    },
    CategorySeed {
        slug: "skin",
        name: "Skin treatments",
        description: "Facials, peels and collagen induction for clearer, smoother, more even skin.",
        treatments: &[
            TreatmentSeed { featured: true, ..treatment("hydrafacial", "HydraFacial", "Cleanses, exfoliates and hydrates in one relaxing session.", "A medical-grade facial that cleanses, gently exfoliates, extracts congestion and infuses serums suited to your skin. There is no downtime: you can go straight back to your day.", 60, 165) },
            treatment("chemical-peel", "Chemical peel", "Evens tone and refines texture with a peel chosen for your skin.", "From gentle lactic peels to deeper combination peels, we choose the strength after assessing your skin. Expect light flaking for a few days with stronger peels.\n\nA course of three to six peels gives the best results.", 45, 120),
            TreatmentSeed { featured: true, ..treatment("microneedling", "Microneedling", "Stimulates collagen to improve scarring, pores and fine lines.", "Fine needles create controlled micro-channels that prompt the skin to renew itself. Your skin will be pink for a day or two.\n\nMost people benefit from a course of three sessions, four to six weeks apart.", 60, 250) },
            TreatmentSeed { capacity: Some(8), buffer_after: 15, ..treatment("skin-health-workshop", "Skin health workshop", "A small-group evening on building a routine that suits your skin.", "Our skin therapist explains what each step of a routine does, which ingredients are worth paying for and how to protect your skin from the sun, then answers your questions. Up to eight people; samples to take home.", 90, 35) },
        ],
    },
    CategorySeed {
        slug: "laser",
        name: "Laser and light",
        description: "Medical lasers and intense pulsed light, operated by trained laser specialists.",
        treatments: &[
            treatment("laser-hair-removal", "Laser hair removal, small area", "Long-term hair reduction for the upper lip, chin or underarms.", "A patch test at least 48 hours before your first session is required and free. A course of six to eight sessions, four to six weeks apart, is usual.", 20, 75),
            TreatmentSeed { featured: true, ..treatment("ipl-photofacial", "IPL photofacial", "Fades sun spots, redness and broken veins.", "Intense pulsed light targets pigment and small blood vessels. Dark spots darken and flake away over one to two weeks.\n\nNot suitable for tanned skin: please avoid the sun for four weeks before.", 45, 220) },
            treatment("laser-resurfacing", "Laser skin resurfacing", "Fractional laser for deeper lines, scarring and texture.", "A fractional laser treats a fraction of the skin at a time, so it heals quickly while collagen rebuilds. Plan for five to seven days of redness and peeling.", 90, 650),
        ],
    },
    CategorySeed {
        slug: "consultations",
        name: "Consultations",
        description: "Talk to a doctor or nurse first: in the clinic or by video.",
        treatments: &[
            TreatmentSeed { video: true, featured: true, buffer_after: 0, ..treatment("aesthetic-consultation", "Aesthetic consultation", "A free, no-pressure conversation about what you would like to change.", "We listen to what you would like, look at your skin and face, explain which treatments could help and what they cost, and answer your questions. Many people leave without booking anything, and that is fine.", 30, 0) },
            TreatmentSeed { video: true, buffer_after: 5, ..treatment("dermatology-consultation", "Dermatology consultation", "A consultant dermatologist's assessment of a skin condition.", "For acne, rosacea, eczema, pigmentation and other skin conditions. You leave with a diagnosis and a treatment plan; prescriptions are issued where needed.", 30, 180) },
            treatment("mole-check", "Mole and skin check", "A full-body skin examination with dermoscopy.", "A dermatologist examines your skin with a dermatoscope and photographs any lesion worth monitoring. You receive a written report.", 45, 200),
            TreatmentSeed { video: true, buffer_after: 0, ..treatment("follow-up-review", "Follow-up review", "A short review after your treatment, included in its price.", "Check in with your practitioner two weeks after treatment so any top-up or change of plan can be made.", 15, 0) },
        ],
    },
];

pub struct ProviderSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub bio: &'static str,
    pub treatments: &'static [&'static str],
    /// (ISO weekday, location index, starts, ends)
    pub schedule: &'static [(i16, usize, &'static str, &'static str)],
}

/// Group sessions on the calendar: (treatment, provider, location index, ISO weekday,
/// start), every week for the next three weeks. The provider leads that treatment.
pub const GROUP_SESSIONS: [(&str, &str, usize, i16, &str); 1] =
    [("skin-health-workshop", "hannah-price", 0, 2, "17:30")];

pub const PROVIDERS: [ProviderSeed; 6] = [
    ProviderSeed {
        slug: "amara-okafor",
        name: "Dr Amara Okafor",
        title: "Medical Director, aesthetic doctor",
        bio: "Amara trained in emergency medicine before specialising in aesthetics ten years ago. She leads the clinic's medical governance and trains other injectors.",
        treatments: &["anti-wrinkle-three-areas", "lip-enhancement", "cheek-filler", "tear-trough", "skin-boosters", "aesthetic-consultation", "follow-up-review"],
        schedule: &[(1, 0, "09:00", "13:00"), (1, 0, "14:00", "18:00"), (3, 0, "09:00", "13:00"), (3, 0, "14:00", "18:00"), (5, 1, "10:00", "17:00")],
    },
    ProviderSeed {
        slug: "lewis-grant",
        name: "Dr Lewis Grant",
        title: "Consultant dermatologist",
        bio: "Lewis is a consultant dermatologist with a special interest in acne, rosacea and skin cancer screening. He sees patients at Juniper two days a week.",
        treatments: &["dermatology-consultation", "mole-check", "laser-resurfacing", "follow-up-review"],
        schedule: &[(2, 0, "09:00", "17:00"), (4, 1, "12:00", "20:00")],
    },
    ProviderSeed {
        slug: "sofia-marques",
        name: "Sofia Marques",
        title: "Aesthetic nurse prescriber",
        bio: "Sofia is a registered nurse and independent prescriber with eight years in aesthetics. Patients value her calm manner and her eye for natural results.",
        treatments: &["anti-wrinkle-three-areas", "lip-enhancement", "skin-boosters", "microneedling", "aesthetic-consultation", "follow-up-review"],
        schedule: &[(2, 1, "10:00", "18:00"), (3, 1, "10:00", "18:00"), (4, 0, "09:00", "19:00"), (6, 0, "10:00", "16:00")],
    },
    ProviderSeed {
        slug: "hannah-price",
        name: "Hannah Price",
        title: "Advanced skin therapist",
        bio: "Hannah has a degree in skin science and specialises in medical facials, peels and microneedling programmes tailored to each skin.",
        treatments: &["hydrafacial", "chemical-peel", "microneedling", "follow-up-review"],
        schedule: &[(1, 0, "09:00", "17:00"), (2, 0, "11:00", "19:00"), (5, 0, "09:00", "17:00"), (6, 1, "09:00", "15:00")],
    },
    ProviderSeed {
        slug: "priya-nair",
        name: "Priya Nair",
        title: "Laser specialist",
        bio: "Priya holds Core of Knowledge and advanced laser safety certification and has delivered thousands of laser and IPL treatments on every skin type.",
        treatments: &["laser-hair-removal", "ipl-photofacial", "laser-resurfacing", "follow-up-review"],
        schedule: &[(1, 0, "10:00", "19:00"), (3, 0, "10:00", "19:00"), (4, 1, "10:00", "18:00"), (5, 1, "10:00", "18:00")],
    },
    ProviderSeed {
        slug: "tom-whitfield",
        name: "Tom Whitfield",
        title: "Senior aesthetic practitioner",
        bio: "Tom is a registered nurse who moved into aesthetics from plastic surgery wards. He runs the clinic's consultations and aftercare reviews.",
        treatments: &["aesthetic-consultation", "hydrafacial", "chemical-peel", "laser-hair-removal", "follow-up-review"],
        schedule: &[(2, 1, "10:00", "18:00"), (3, 1, "10:00", "18:00"), (4, 1, "10:00", "20:00"), (5, 0, "09:00", "19:00")],
    },
];

pub const PATIENTS: [(&str, &str); 12] = [
    ("Isla", "Morrison"),
    ("Callum", "Reid"),
    ("Freya", "Campbell"),
    ("Noah", "Stewart"),
    ("Ava", "Robertson"),
    ("Rohan", "Mehta"),
    ("Mei", "Chen"),
    ("Grace", "Thomson"),
    ("Oliver", "Murray"),
    ("Zainab", "Hussain"),
    ("Ellie", "Paterson"),
    ("Lucas", "Fraser"),
];

#[derive(Clone, Copy)]
pub enum ConsentSeed {
    /// Website and social media, given some months ago, expiring in the future.
    WebsiteAndSocial,
    /// Website only.
    Website,
    /// Shown in consultations only: never public.
    ConsultationOnly,
    /// Website consent that has expired: no longer public.
    Expired,
}

pub struct CaseSeed {
    pub title: &'static str,
    pub summary: &'static str,
    pub consent: ConsentSeed,
}

pub struct AlbumSeed {
    pub slug: &'static str,
    pub title: &'static str,
    pub treatment: &'static str,
    pub concern: Concern,
    pub after_label: &'static str,
    /// When the after pictures were taken, and in how many sessions (the gallery filters).
    pub days_after: i32,
    pub sessions: i16,
    pub cases: &'static [CaseSeed],
}

pub struct GallerySeed {
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub albums: &'static [AlbumSeed],
}

const fn case(title: &'static str, summary: &'static str) -> CaseSeed {
    CaseSeed {
        title,
        summary,
        consent: ConsentSeed::WebsiteAndSocial,
    }
}

pub const GALLERIES: [GallerySeed; 3] = [
    GallerySeed {
        slug: "injectables",
        title: "Injectables",
        description: "Anti-wrinkle and filler results from our doctors and nurse prescribers.",
        albums: &[
            AlbumSeed {
                slug: "anti-wrinkle",
                title: "Anti-wrinkle",
                treatment: "anti-wrinkle-three-areas",
                concern: Concern::Lines,
                after_label: "Two weeks after",
                days_after: 14,
                sessions: 1,
                cases: &[
                    case(
                        "Softer frown lines",
                        "Frown lines relaxed while brow movement stayed natural.",
                    ),
                    case(
                        "Forehead and crow's feet",
                        "Three areas treated in one appointment.",
                    ),
                    CaseSeed {
                        consent: ConsentSeed::Website,
                        ..case(
                            "Early lines, light dose",
                            "A light dose for someone in their early thirties.",
                        )
                    },
                    CaseSeed {
                        consent: ConsentSeed::ConsultationOnly,
                        ..case("Deep forehead lines", "Shown in consultations only.")
                    },
                ],
            },
            AlbumSeed {
                slug: "lips",
                title: "Lips",
                treatment: "lip-enhancement",
                concern: Concern::Volume,
                after_label: "Four weeks after",
                days_after: 28,
                sessions: 1,
                cases: &[
                    case(
                        "Balanced upper lip",
                        "0.5 ml to bring the upper lip in proportion with the lower.",
                    ),
                    case(
                        "Subtle hydration",
                        "Hydration and definition without added size.",
                    ),
                    case(
                        "Restoring lip border",
                        "Definition restored along the vermilion border.",
                    ),
                ],
            },
            AlbumSeed {
                slug: "cheeks-and-under-eyes",
                title: "Cheeks and under eyes",
                treatment: "cheek-filler",
                concern: Concern::Volume,
                after_label: "Immediately after",
                days_after: 0,
                sessions: 1,
                cases: &[
                    case(
                        "Mid-face lift",
                        "Cheek support that softened the nasolabial folds.",
                    ),
                    CaseSeed {
                        consent: ConsentSeed::Expired,
                        ..case(
                            "Cheekbone definition",
                            "Consent has expired: no longer public.",
                        )
                    },
                ],
            },
        ],
    },
    GallerySeed {
        slug: "skin",
        title: "Skin",
        description: "Clearer, smoother skin from facials, peels and microneedling courses.",
        albums: &[
            AlbumSeed {
                slug: "microneedling",
                title: "Microneedling",
                treatment: "microneedling",
                concern: Concern::Texture,
                after_label: "After three sessions",
                days_after: 120,
                sessions: 3,
                cases: &[
                    case(
                        "Acne scarring",
                        "Rolling scars softened over a course of three.",
                    ),
                    case("Enlarged pores", "Smoother texture across the cheeks."),
                    CaseSeed {
                        consent: ConsentSeed::Website,
                        ..case("Fine lines and texture", "Overall skin quality improved.")
                    },
                ],
            },
            AlbumSeed {
                slug: "peels-and-facials",
                title: "Peels and facials",
                treatment: "chemical-peel",
                concern: Concern::Spots,
                after_label: "After four peels",
                days_after: 150,
                sessions: 4,
                cases: &[
                    case(
                        "Post-acne marks",
                        "Dark marks faded with a course of peels.",
                    ),
                    case(
                        "Dull, congested skin",
                        "Brighter skin after a HydraFacial and peel programme.",
                    ),
                    case("Uneven tone", "A more even complexion before a wedding."),
                ],
            },
        ],
    },
    GallerySeed {
        slug: "laser",
        title: "Laser and light",
        description: "IPL and laser results from our laser specialists.",
        albums: &[
            AlbumSeed {
                slug: "redness-and-pigment",
                title: "Redness and pigment",
                treatment: "ipl-photofacial",
                concern: Concern::Redness,
                after_label: "After two sessions",
                days_after: 75,
                sessions: 2,
                cases: &[
                    case("Rosacea redness", "Background redness calmed with IPL."),
                    case("Broken veins", "Thread veins around the nose cleared."),
                    case("Flushing cheeks", "Less flushing and a more even colour."),
                ],
            },
            AlbumSeed {
                slug: "sun-damage",
                title: "Sun damage",
                treatment: "ipl-photofacial",
                concern: Concern::Spots,
                after_label: "Six weeks after",
                days_after: 42,
                sessions: 2,
                cases: &[
                    case("Sun spots on the cheeks", "Pigment lifted in two sessions."),
                    case(
                        "Freckling and age spots",
                        "A clearer complexion after one session.",
                    ),
                ],
            },
        ],
    },
];

/// The password of every demo account, printed in the README. Demo data only.
pub const DEMO_PASSWORD: &str = "juniper-demo-2026";
/// The demo staff's authenticator key (base32), so the demo and the tests can make codes.
/// Demo data only, like the password.
pub const DEMO_TOTP_KEY: &str = "JUNIPERDEMOSTAFFSECRETKEY2345672";

/// The demo staff's recovery codes, published with the key (README, "Demo sign-ins").
pub const DEMO_RECOVERY_CODES: [&str; 10] = [
    "xg5tu-dpqu5",
    "e2hzs-btu4e",
    "mwp6v-slkbd",
    "c4he4-myeff",
    "vrdkz-lvacr",
    "wonvf-spaxn",
    "ysmw5-p6poc",
    "ghci7-vdv4y",
    "gopyr-x6nke",
    "yn2ep-k4msw",
];

/// Staff accounts: (email, name, role).
pub const STAFF: [(&str, &str, &str); 3] = [
    (
        "admin@juniper-clinic.example",
        "Morag Lindsay",
        "clinic_admin",
    ),
    (
        "frontdesk@juniper-clinic.example",
        "Ewan Baird",
        "front_desk",
    ),
    (
        "amara@juniper-clinic.example",
        "Dr Amara Okafor",
        "provider",
    ),
];

/// Questions and answers staff wrote for the assistant.
pub const ASSISTANT_ANSWERS: [(&str, &str); 5] = [
    (
        "Is there parking near the clinic?",
        "New Town: the Hanover Street car park is a two-minute walk away. Leith: there is pay-and-display parking on Shore Quay, right outside.",
    ),
    (
        "Do you sell gift vouchers?",
        "Yes. Gift vouchers for any amount from £25 can be bought at either location or by phone, and they are valid for twelve months.",
    ),
    (
        "How old do I need to be for a treatment?",
        "You must be 18 or over for injectable treatments. Facials and peels are available from 16 with a parent's or guardian's consent.",
    ),
    (
        "Which payment methods do you accept?",
        "We accept debit and credit cards, Apple Pay and Google Pay. We don't take cash.",
    ),
    (
        "Can I wear make-up after my treatment?",
        "After injectables, please wait until the next morning. After a HydraFacial or a light peel you can wear mineral make-up the same day; after microneedling or laser, wait 48 hours.",
    ),
];
