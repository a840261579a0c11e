//! The assistant's safety layer: what a message asks is screened by these rules before any
//! engine sees it, and nothing an engine says can change their answer.
//!
//! Red flags are situations that need someone now (after filler, skin going pale or blotchy,
//! severe pain or a change in sight; anaphylaxis; chest pain; spreading redness with fever;
//! thoughts of self-harm). Refusals are what only a clinician may answer: whether something
//! is normal, a dose, whether to take or stop a medicine. Rules err towards escalating: an
//! urgent answer to a worried question costs a phone call, a calm answer to an emergency
//! can cost far more.

use super::words::{near, phrase, words, Rule};
use serde::{Deserialize, Serialize};

/// What a message needs before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    RedFlag(RedFlag),
    Refuse(Refusal),
    Clear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RedFlag {
    /// After filler: skin blanching, mottling or changing colour, severe pain.
    BloodFlow,
    Sight,
    /// A face drooping, slurred speech, a weak or numb arm.
    Stroke,
    /// Anaphylaxis: a swelling throat or tongue, trouble breathing, wheezing.
    Allergy,
    Collapse,
    ChestPain,
    /// Spreading redness, or fever with redness, heat or pus after a procedure.
    Infection,
    SelfHarm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Refusal {
    /// "Is this normal?", "is it infected?", "what is wrong with my lip?"
    Diagnosis,
    Dose,
    /// Taking, or stopping, a medicine.
    Medicine,
}

impl RedFlag {
    /// The name the conversation's record keeps.
    pub fn code(self) -> &'static str {
        match self {
            RedFlag::BloodFlow => "blood_flow",
            RedFlag::Sight => "sight",
            RedFlag::Stroke => "stroke",
            RedFlag::Allergy => "allergy",
            RedFlag::Collapse => "collapse",
            RedFlag::ChestPain => "chest_pain",
            RedFlag::Infection => "infection",
            RedFlag::SelfHarm => "self_harm",
        }
    }

    /// What staff are told, without the patient's words.
    pub fn for_staff(self) -> &'static str {
        match self {
            RedFlag::BloodFlow => "signs of a blocked blood vessel after filler",
            RedFlag::Sight => "a change in their sight",
            RedFlag::Stroke => "signs of a stroke",
            RedFlag::Allergy => "signs of a severe allergic reaction",
            RedFlag::Collapse => "someone fainting or collapsing",
            RedFlag::ChestPain => "chest pain",
            RedFlag::Infection => "signs of a spreading infection",
            RedFlag::SelfHarm => "thoughts of harming themselves",
        }
    }
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Diagnosis => "diagnosis",
            Refusal::Dose => "dose",
            Refusal::Medicine => "medicine",
        }
    }
}

// Colours skin turns when its blood supply is cut off.
const COLOURS: &[&str] = &[
    "white", "pale", "grey", "gray", "blue", "bluish", "blueish", "purple", "purplish", "dusky",
    "ashen", "blotchy", "mottl*", "motl*", "mottel*",
];
const CHANGING: &[&str] = &[
    "turn*", "gone", "going", "went", "become", "becoming", "became", "chang*",
];
const AFTER_TREATMENT: &[&str] = &[
    "filler*",
    "filer*",
    "injection*",
    "injected",
    "botox",
    "treatment*",
    "jab",
    "jabs",
];
const PAIN: &[&str] = &[
    "pain", "pains", "painful", "hurt*", "ache", "aches", "aching", "throb*", "sore",
];
const SEVERE: &[&str] = &[
    "severe",
    "severly",
    "severely",
    "extreme",
    "extremely",
    "unbearable",
    "excruciating",
    "agony",
    "agoni*",
    "terrible",
    "horrible",
    "intense",
    "awful",
    "worst",
];
const BREATHING: &[&str] = &["breath*", "breathe", "brethe", "breth*", "breathing"];
const BREATHING_TROUBLE: &[&str] = &[
    "cant",
    "cannot",
    "difficult*",
    "hard",
    "trouble",
    "struggl*",
    "short",
    "shortness",
    "problem*",
    "wheez*",
    "unable",
    "stopped",
    "stopping",
    "gasping",
];
const SWELLING: &[&str] = &[
    "swell*", "swel*", "swollen", "swolen", "closing", "closed", "tight*",
];
const FEVER: &[&str] = &[
    "fever*",
    "feaver*",
    "fevar",
    "temperature",
    "temp",
    "chills",
    "shiver*",
    "shivery",
    "rigors",
];
const INFLAMED: &[&str] = &[
    "red",
    "redness",
    "reddish",
    "reddening",
    "redder",
    "spread*",
    "pus",
    "hot",
    "swell*",
    "swollen",
    "infect*",
    "ooz*",
    "weep*",
    "discharge",
];
const SYMPTOMS: &[&str] = &[
    "swell*",
    "swel*",
    "swollen",
    "swolen",
    "bruis*",
    "lump*",
    "bump*",
    "rash",
    "itch*",
    "red",
    "redness",
    "tender*",
    "sore",
    "pain",
    "painful",
    "numb*",
    "asymmetr*",
    "uneven",
    "droop*",
    "bleed*",
    "blister*",
    "spots",
    "hard",
    "burning",
    "tingl*",
    "hurt*",
    "scab*",
];
const JUDGING: &[&str] = &[
    "normal", "worr*", "concern*", "ok", "okay", "fine", "expected", "serious", "usual", "alright",
];
/// Conditions a question (or an answer) may name: the wording of a diagnosis.
pub(super) const CONDITIONS: &[&str] = &[
    "infection",
    "infected",
    "allergic",
    "allergy",
    "cellulitis",
    "necrosis",
    "occlusion",
    "herpes",
    "granuloma*",
    "abscess",
    "nodule*",
];
const MEDICINES: &[&str] = &[
    "medic*",
    "meds",
    "tablet*",
    "pill",
    "pills",
    "aspirin",
    "warfarin",
    "thinner*",
    "antibiotic*",
    "prescription*",
    "ibuprofen",
    "paracetamol",
    "nurofen",
    "advil",
    "tylenol",
    "antihistamine*",
    "painkiller*",
    "isotretinoin",
    "roaccutane",
    "accutane",
    "antidepressant*",
    "insulin",
    "steroid*",
    "arnica",
];
const AMOUNTS: &[&str] = &[
    "mg",
    "ml",
    "units",
    "unit",
    "milligram*",
    "millilit*",
    "iu",
    "tablets",
    "pills",
    "syringe*",
    "vials",
    "cc",
];
const PRODUCTS: &[&str] = &[
    "botox",
    "filler*",
    "product",
    "units",
    "anaesthetic",
    "anesthetic",
    "numbing",
    "toxin",
];

const RED_FLAGS: &[(RedFlag, &[Rule])] = &[
    (
        RedFlag::SelfHarm,
        &[
            phrase(&[&["suicid*", "sucid*", "suicd*"]]),
            near(
                3,
                &[
                    &["kill*", "hurt*", "harm*", "cut", "cutting", "end"],
                    &["myself"],
                ],
            ),
            phrase(&[&["self"], &["harm*"]]),
            phrase(&[&["selfharm*"]]),
            phrase(&[&["end", "ending"], &["my"], &["life"]]),
            phrase(&[&["end"], &["it"], &["all"]]),
            near(4, &[&["want", "wanna", "wish", "going"], &["die"]]),
            phrase(&[&["wish"], &["i"], &["was", "were"], &["dead"]]),
            near(
                5,
                &[
                    &["dont", "not", "no"],
                    &["want*", "wish"],
                    &["live", "alive", "living"],
                ],
            ),
            phrase(&[&["no"], &["reason"], &["to"], &["live"]]),
            phrase(&[&["better"], &["off"], &["dead"]]),
            phrase(&[&["not"], &["worth"], &["living"]]),
        ],
    ),
    (
        RedFlag::Allergy,
        &[
            phrase(&[&["anaphyla*", "anaphala*", "anafil*", "anafal*", "anaphal*"]]),
            near(4, &[&["throat", "tongue", "airway", "airways"], SWELLING]),
            near(4, &[BREATHING, BREATHING_TROUBLE]),
            phrase(&[&["wheez*", "weez*"]]),
            phrase(&[&["epipen*"]]),
            phrase(&[&["epi"], &["pen"]]),
            near(
                3,
                &[
                    &["having", "got", "getting", "had", "severe", "bad"],
                    &["allerg*", "alerg*"],
                ],
            ),
            near(
                8,
                &[
                    &["hives"],
                    &["throat", "tongue", "lips", "breath*", "dizz*", "faint*"],
                ],
            ),
        ],
    ),
    (
        RedFlag::ChestPain,
        &[
            near(
                4,
                &[
                    &["chest"],
                    &[
                        "pain",
                        "pains",
                        "painful",
                        "hurt*",
                        "tight*",
                        "pressure",
                        "ache",
                        "aching",
                        "crush*",
                        "heavy",
                        "heaviness",
                        "squeez*",
                    ],
                ],
            ),
            phrase(&[&["heart"], &["attack"]]),
        ],
    ),
    (
        RedFlag::Collapse,
        &[
            phrase(&[&[
                "fainted",
                "collapsed",
                "collapsing",
                "unconscious",
                "unresponsive",
            ]]),
            phrase(&[&["passed", "passing"], &["out"]]),
            phrase(&[&["seizure*", "fitting"]]),
        ],
    ),
    (
        RedFlag::Sight,
        &[
            near(
                4,
                &[
                    &["vision", "eyesight", "sight"],
                    &[
                        "blur*", "loss", "lost", "losing", "lose", "double", "dark*", "chang*",
                        "problem*", "gone", "strange", "weird", "worse", "dim*", "spots", "black",
                        "grey", "cloudy", "funny",
                    ],
                ],
            ),
            near(
                4,
                &[
                    &["blurr*", "blury", "blured"],
                    &[
                        "see", "seeing", "eye", "eyes", "vision", "sight", "look", "looking",
                    ],
                ],
            ),
            phrase(&[&["blind*"]]),
            near(
                4,
                &[
                    &["cant", "cannot", "couldnt", "unable"],
                    &["see"],
                    &[
                        "properly", "clearly", "anything", "out", "eye", "eyes", "well",
                    ],
                ],
            ),
            near(
                3,
                &[
                    &["eye", "eyes"],
                    &["pain", "painful", "hurt*", "blur*", "blurr*"],
                ],
            ),
        ],
    ),
    (
        RedFlag::Stroke,
        &[
            near(
                4,
                &[
                    &["face", "mouth", "smile"],
                    &["droop*", "dropped", "fallen", "lopsided"],
                ],
            ),
            near(
                3,
                &[
                    &["slur*", "slurr*"],
                    &["speech", "speak*", "talk*", "words"],
                ],
            ),
            phrase(&[&["slurred", "slurring"]]),
            near(
                4,
                &[
                    &["weak*", "numb*", "paraly*"],
                    &["arm", "arms", "leg", "legs", "side"],
                ],
            ),
        ],
    ),
    (
        RedFlag::BloodFlow,
        &[
            phrase(&[&["blanch*", "blanc*"]]),
            phrase(&[&["mottl*", "motl*", "mottel*"]]),
            near(4, &[CHANGING, COLOURS]),
            near(8, &[AFTER_TREATMENT, COLOURS]),
            near(3, &[SEVERE, PAIN]),
            near(4, &[PAIN, &["worse", "worsening", "increasing"]]),
        ],
    ),
    (
        RedFlag::Infection,
        &[
            near(12, &[FEVER, INFLAMED]),
            near(
                4,
                &[
                    &["red", "redness", "rash", "infection", "infected"],
                    &[
                        "spread*", "spreding", "growing", "bigger", "tracking", "streak*",
                    ],
                ],
            ),
            phrase(&[&["sepsis", "septic"]]),
        ],
    ),
];

const REFUSALS: &[(Refusal, &[Rule])] = &[
    (
        Refusal::Medicine,
        &[
            near(
                5,
                &[
                    &["stop*", "quit*", "pause*", "skip*", "off", "without"],
                    MEDICINES,
                ],
            ),
            near(
                6,
                &[
                    &["can", "could", "should", "safe", "ok", "okay"],
                    &["take", "taking", "use", "have"],
                    MEDICINES,
                ],
            ),
        ],
    ),
    (
        Refusal::Dose,
        &[
            phrase(&[&["dose", "doses", "dosage", "dosages", "dosing", "overdose"]]),
            near(4, &[&["how"], &["many"], AMOUNTS]),
            near(
                4,
                &[
                    &["how"],
                    &["much"],
                    &["mg", "milligram*", "iu", "tablets", "pills"],
                ],
            ),
            near(
                6,
                &[
                    &["how"],
                    &["much", "many"],
                    PRODUCTS,
                    &["need", "should", "inject*", "use"],
                ],
            ),
        ],
    ),
    (
        Refusal::Diagnosis,
        &[
            phrase(&[&["diagnos*"]]),
            near(6, &[JUDGING, SYMPTOMS]),
            phrase(&[&["is", "its"], &["this", "that", "it"], &["normal"]]),
            phrase(&[&["whats", "what"], &["wrong"]]),
            near(
                4,
                &[
                    &["what", "whats"],
                    &["is", "this"],
                    &["lump*", "bump*", "rash", "spot", "spots"],
                ],
            ),
            near(
                5,
                &[&["have", "got", "is", "it", "this", "its", "i"], CONDITIONS],
            ),
        ],
    ),
];

/// What `message` needs before anything else: a red flag wins over a refusal.
pub fn screen(message: &str) -> Screening {
    let words = words(message);
    if let Some((flag, _)) = RED_FLAGS
        .iter()
        .find(|(_, rules)| rules.iter().any(|rule| rule.matches(&words)))
    {
        return Screening::RedFlag(*flag);
    }
    if let Some((refusal, _)) = REFUSALS
        .iter()
        .find(|(_, rules)| rules.iter().any(|rule| rule.matches(&words)))
    {
        return Screening::Refuse(*refusal);
    }
    Screening::Clear
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(flag: RedFlag, messages: &[&str]) {
        for message in messages {
            assert_eq!(screen(message), Screening::RedFlag(flag), "{message:?}");
        }
    }

    fn refused(refusal: Refusal, messages: &[&str]) {
        for message in messages {
            assert_eq!(screen(message), Screening::Refuse(refusal), "{message:?}");
        }
    }

    #[test]
    fn skin_changing_colour_or_severe_pain_after_filler_is_urgent() {
        flagged(
            RedFlag::BloodFlow,
            &[
                "my lip is blanching after filler",
                "The skin above my lip has gone WHITE",
                "my cheek looks mottled and lacy",
                "my nose turned a bit blue after the injection",
                "skin is really motteled since yesterday's filler",
                "blancheing around the injection site",
                "went grey around my lips",
                "I had filler today and my lip looks purple",
                "severe pain in my lip",
                "the pain is unbearable",
                "the pain is getting worse and worse",
                "it's extremly painful",
                "my lips are blotchy since the filer",
            ],
        );
    }

    #[test]
    fn changes_in_sight_and_signs_of_stroke_are_urgent() {
        flagged(
            RedFlag::Sight,
            &[
                "my vision is blurry",
                "blurred vison since my filler",
                "I can't see properly out of my left eye",
                "cannot see anything from one eye",
                "my eyesight went dark",
                "I think I'm going blind",
                "double vision after treatment",
                "eye pain since the tear trough filler",
                "everything is blurry when I look",
            ],
        );
        flagged(
            RedFlag::Stroke,
            &[
                "one side of my face is drooping",
                "her speech is slurred",
                "my arm feels weak and numb",
                "slurring my words",
            ],
        );
    }

    #[test]
    fn anaphylaxis_chest_pain_and_collapse_are_urgent() {
        flagged(
            RedFlag::Allergy,
            &[
                "my throat is swelling up",
                "I can't breathe",
                "having trouble breathing after the injection",
                "I cant breath properly",
                "struggling to breathe",
                "tongue feels swollen and tight",
                "I think it's anaphylaxis",
                "anaphalaxis",
                "I'm wheezing",
                "where is my epi pen",
                "I'm having an allergic reaction",
                "hives all over and my lips are tingling",
                "short of breath and dizzy",
            ],
        );
        flagged(
            RedFlag::ChestPain,
            &[
                "I have chest pain",
                "pain in my chest",
                "my chest feels tight",
                "crushing pressure in my chest",
                "is this a heart attack",
            ],
        );
        flagged(
            RedFlag::Collapse,
            &[
                "my friend fainted after her treatment",
                "he passed out",
                "she collapsed",
            ],
        );
    }

    #[test]
    fn fever_with_redness_or_redness_spreading_is_urgent() {
        flagged(
            RedFlag::Infection,
            &[
                "I have a fever and the area is red and hot",
                "feverish, and there's pus where the needle went in",
                "the redness is spreading",
                "red area getting bigger and I have chills",
                "high temperature and swelling after the procedure",
                "feaver and redness after laser",
                "the rash is spreading up my arm",
            ],
        );
    }

    #[test]
    fn thoughts_of_self_harm_are_urgent_and_come_first() {
        flagged(
            RedFlag::SelfHarm,
            &[
                "I want to kill myself",
                "i feel suicidal",
                "sucidal thoughts",
                "I don't want to live anymore",
                "I want to die",
                "thinking about ending my life",
                "I've been hurting myself",
                "self harm",
                "everyone would be better off dead without me",
                "I wish I was dead",
                "no reason to live",
                // A red flag of another kind in the same message must not hide this one.
                "my lip is white and I want to end it all",
            ],
        );
    }

    #[test]
    fn diagnosis_dose_and_medicine_questions_go_to_a_clinician() {
        refused(
            Refusal::Diagnosis,
            &[
                "is this swelling normal after my filler?",
                "Is this normal?",
                "should I be worried about the bruising",
                "is it ok that my lips are uneven",
                "what is this lump",
                "what's wrong with my lip",
                "do you think it's infected",
                "have I got an infection",
                "can you diagnose my rash",
                "my lips are tender, is that expected",
            ],
        );
        refused(
            Refusal::Dose,
            &[
                "what dose of botox do I need",
                "how many units should I get for my forehead",
                "how much filler do I need for my lips",
                "how many ml for cheeks",
                "what dosage of antihistamine",
                "how much mg of ibuprofen",
            ],
        );
        refused(
            Refusal::Medicine,
            &[
                "should I stop taking aspirin before filler",
                "can I take ibuprofen after my treatment",
                "do I need to come off my blood thinners",
                "is it safe to have arnica tablets",
                "can I skip my antibiotics",
                "should I stop my medication",
            ],
        );
    }

    proptest::proptest! {
        /// Whatever else a message says around it, a red flag stays one, and it is never
        /// mistaken for a refusal.
        #[test]
        fn other_words_around_a_red_flag_do_not_hide_it(
            before in "[a-z ,.?]{0,60}",
            after in "[a-z ,.?]{0,60}",
            pick in 0usize..5,
        ) {
            let (message, flag) = [
                ("my lip has gone white", RedFlag::BloodFlow),
                ("I can't breathe", RedFlag::Allergy),
                ("my vision is blurry", RedFlag::Sight),
                ("the redness is spreading", RedFlag::Infection),
                ("I want to kill myself", RedFlag::SelfHarm),
            ][pick];
            let whole = format!("{before}. {message}. {after}");
            let screened = screen(&whole);
            proptest::prop_assert!(matches!(screened, Screening::RedFlag(_)), "{whole:?}");
            if flag == RedFlag::SelfHarm {
                proptest::prop_assert_eq!(screened, Screening::RedFlag(flag));
            }
        }
    }

    #[test]
    fn everyday_questions_pass_through() {
        for message in [
            "how much is lip filler",
            "What does a HydraFacial cost?",
            "how long is the downtime after microneedling",
            "how long does swelling last after lip filler",
            "who does the treatments",
            "can I come on Saturday",
            "are you open on Sunday",
            "what should I do before my appointment",
            "I'd like to book a facial next week",
            "do I need to pay a deposit",
            "do you treat pale skin with laser",
            "does teeth whitening hurt",
            "what's the cancellation policy",
            "how do I get to the Edinburgh clinic",
            "do you have parking",
            "is there a consultation before botox",
            "can I talk to a person",
            "how much is one syringe of filler",
            "which treatment is best for dark circles under my eyes",
            "I never had a facial before",
            "what's your phone number",
            "how many treatments will I need",
            "do you want dead skin removed first",
            "my self esteem is low because of my skin",
        ] {
            assert_eq!(screen(message), Screening::Clear, "{message:?}");
        }
    }
}
