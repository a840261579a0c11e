//! What the assistant says when the safety layer stops a message: fixed wording, filled in
//! with the numbers of the clinic's country and the clinic's own urgent line.

use super::safety::{RedFlag, Refusal};
use crate::domain::phone::CallingCode;

/// How a patient reaches help from this clinic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The number the clinic answers urgent calls on.
    pub urgent_line: String,
    /// The clinic's country, from its own phone number.
    pub country: Option<CallingCode>,
}

impl Reach {
    /// The emergency number of the clinic's country; 112 where the country is not known
    /// (it reaches emergency services across Europe and from most mobile phones elsewhere).
    pub fn emergency_number(&self) -> &'static str {
        match self.country.map(CallingCode::code) {
            Some(44) => "999",
            Some(1) => "911",
            Some(61) => "000",
            Some(64) => "111",
            _ => "112",
        }
    }

    /// A line that listens to people thinking of harming themselves, where one is known.
    pub fn crisis_line(&self) -> Option<&'static str> {
        match self.country.map(CallingCode::code) {
            Some(44) | Some(353) => Some("Samaritans on 116 123 (free, any time)"),
            Some(1) => Some("the Suicide & Crisis Lifeline on 988 (call or text)"),
            Some(61) => Some("Lifeline on 13 11 14"),
            Some(64) => Some("1737 (call or text, free)"),
            Some(91) => Some("Tele-MANAS on 14416"),
            _ => None,
        }
    }
}

/// The answer to a red flag. It says what to do now, first.
pub fn red_flag_answer(flag: RedFlag, reach: &Reach) -> String {
    let emergency = reach.emergency_number();
    let urgent = &reach.urgent_line;
    let told = "We have told the clinic's team, and this conversation is marked urgent.";
    match flag {
        RedFlag::BloodFlow | RedFlag::Sight => format!(
            "Please act now. After a filler treatment, skin turning pale, white, grey, blue or \
             blotchy, severe pain, or any change in your sight can mean a blood vessel is \
             blocked, and it needs a clinician within hours. Call the clinic's urgent line now \
             on {urgent}. If your sight is affected, or you cannot reach us straight away, call \
             {emergency} or go to the nearest emergency department. {told}"
        ),
        RedFlag::Stroke | RedFlag::Allergy | RedFlag::Collapse | RedFlag::ChestPain => format!(
            "Call {emergency} now. This needs emergency care and must not wait for a reply \
             here. If you have an adrenaline auto-injector and have been told to use it, use it \
             now. When you are safe, let the clinic know on {urgent}. {told}"
        ),
        RedFlag::Infection => format!(
            "Please call the clinic's urgent line now on {urgent}: spreading redness, or a \
             fever with redness, heat or pus after a treatment, needs a clinician today. If you \
             feel very unwell, drowsy or confused, call {emergency}. {told}"
        ),
        RedFlag::SelfHarm => {
            let listen = reach
                .crisis_line()
                .map(|line| format!(" You can talk to someone right now: {line}."))
                .unwrap_or_default();
            format!(
                "I'm really sorry you are feeling this way, and I'm glad you said it. If you \
                 might act on these thoughts or are in danger now, call {emergency}.{listen} \
                 We have told the clinic's team, and someone will reach out to you."
            )
        }
    }
}

/// The answer to a question only a clinician may answer.
pub fn refusal_answer(refusal: Refusal, reach: &Reach) -> String {
    let urgent = &reach.urgent_line;
    let person = "You can also ask to talk to a person here, and someone from the team will reply.";
    match refusal {
        Refusal::Diagnosis => format!(
            "I can't say whether something is normal or what it might be: only a clinician who \
             can see you can. Please call the clinic on {urgent}. {person} If it gets worse \
             quickly, or you have severe pain, skin turning pale or blotchy, or any change in \
             your sight, call at once."
        ),
        Refusal::Dose => format!(
            "I can't advise on doses or amounts: a clinician decides them with you at a \
             consultation. Please call the clinic on {urgent}. {person}"
        ),
        Refusal::Medicine => format!(
            "I can't advise on taking or stopping a medicine. Please don't change a medicine \
             without asking the person who prescribed it. A clinician here can talk it through \
             with you: call {urgent}. {person}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(code: Option<u16>) -> Reach {
        Reach {
            urgent_line: "+44 131 496 0000".to_owned(),
            country: code.map(CallingCode::of_known),
        }
    }

    #[test]
    fn the_emergency_number_is_the_clinic_countrys() {
        assert_eq!(reach(Some(44)).emergency_number(), "999");
        assert_eq!(reach(Some(1)).emergency_number(), "911");
        assert_eq!(reach(Some(61)).emergency_number(), "000");
        assert_eq!(reach(Some(91)).emergency_number(), "112");
        assert_eq!(reach(None).emergency_number(), "112");
    }

    #[test]
    fn every_red_flag_answer_says_whom_to_call_first() {
        let uk = reach(Some(44));
        for flag in [
            RedFlag::BloodFlow,
            RedFlag::Sight,
            RedFlag::Stroke,
            RedFlag::Allergy,
            RedFlag::Collapse,
            RedFlag::ChestPain,
            RedFlag::Infection,
            RedFlag::SelfHarm,
        ] {
            let answer = red_flag_answer(flag, &uk);
            assert!(answer.contains("999"), "{flag:?}: {answer}");
            assert!(answer.contains("told the clinic's team"), "{flag:?}");
        }
        assert!(red_flag_answer(RedFlag::BloodFlow, &uk).contains("+44 131 496 0000"));
        assert!(red_flag_answer(RedFlag::SelfHarm, &uk).contains("116 123"));
        assert!(!red_flag_answer(RedFlag::SelfHarm, &reach(Some(33))).contains("116 123"));
    }

    #[test]
    fn refusals_point_to_the_clinic() {
        for refusal in [Refusal::Diagnosis, Refusal::Dose, Refusal::Medicine] {
            let answer = refusal_answer(refusal, &reach(Some(44)));
            assert!(answer.contains("+44 131 496 0000"), "{refusal:?}");
            assert!(answer.contains("talk to a person"), "{refusal:?}");
        }
    }
}
