use super::*;

fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for d in detectors().expect("bundled dictionaries load") {
        d.detect(&Document::new(text), &mut out).unwrap();
    }
    out.retain(|s| s.score >= 0.5);
    out
}

fn found(text: &str, label: Label) -> Vec<&str> {
    let mut v: Vec<(usize, &str)> = spans(text).iter().filter(|s| s.label == label && !s.subtype.is_some_and(|t| t.is_exempt())).map(|s| (s.start, &text[s.start..s.end])).collect();
    v.sort();
    v.dedup();
    v.into_iter().map(|(_, s)| s).collect()
}

fn names(text: &str) -> Vec<&str> {
    found(text, Label::Name)
}

fn places(text: &str) -> Vec<&str> {
    found(text, Label::Location)
}

#[test]
fn eponyms_and_common_words_are_not_names() {
    for text in [
        "History of Parkinson's disease, on carbidopa.",
        "Presented with Bell's palsy on the left.",
        "Apgar score 8 and 9.",
        "Apgars were 8 and 9 at one and five minutes.",
        "You may go home today.",
        "I will call you tomorrow.",
        "Please mark the site before surgery.",
        "Will you take the medicine? May I examine you?",
        "Hope is important. Mark the calendar.",
        "Foley catheter removed; Holter monitor placed.",
        "Negative Babinski sign, Glasgow Coma Scale 15.",
        "Crohn's disease flare, started on Humira.",
        "Hodgkin lymphoma in remission.",
    ] {
        assert_eq!(names(text), Vec::<&str>::new(), "no NAME in: {text}");
    }
}

#[test]
fn names_with_cues_and_pairs() {
    assert_eq!(names("Referred to Dr. Will Parkinson for review."), vec!["Will Parkinson"]);
    assert_eq!(names("Spoke with Mary Brown about her results."), vec!["Mary Brown"]);
    assert_eq!(names("a 34-year-old female like Anna S., previously treated"), vec!["Anna S."]);
    assert_eq!(names("Krisztián Szöllösy listed his top 20 songs"), vec!["Krisztián Szöllösy"]);
    assert_eq!(names("Seen by Faina D. Yefremova today."), vec!["Faina D. Yefremova"]);
    assert_eq!(names("Seen by Dr. Xyzzowicz today."), vec!["Xyzzowicz"]);
    assert_eq!(names("Mr. James T. was operated on"), vec!["James T."]);
}

#[test]
fn name_offsets_are_exact_in_multibyte_text() {
    let text = "Zoë — patient Krisztián Szöllösy, née Kovács.";
    let s: Vec<Span> = spans(text).into_iter().filter(|s| s.label == Label::Name).collect();
    let hit = s.iter().find(|s| text[s.start..s.end].starts_with("Krisztián")).expect("name found");
    assert_eq!(&text[hit.start..hit.end], "Krisztián Szöllösy");
    assert_eq!(hit.start, text.find("Krisztián").unwrap());
    assert!(hit.score >= 0.8);
}

#[test]
fn a_possessive_is_not_part_of_the_name() {
    assert_eq!(names("It was Maria Gonzalez's idea."), vec!["Maria Gonzalez"]);
}

#[test]
fn lower_case_transcripts_need_strong_cues() {
    assert_eq!(names("[doctor] hi mr. jones how are you feeling"), vec!["jones"]);
    assert_eq!(names("[doctor] next patient is nicole miller she is here for"), vec!["nicole miller"]);
    assert_eq!(names("[doctor] you may go and i will call you to mark the time"), Vec::<&str>::new());
}

#[test]
fn all_caps_text() {
    assert_eq!(names("PATIENT SEEN BY DR. JOHN SMITH ON ARRIVAL"), vec!["JOHN SMITH"]);
}

#[test]
fn hospitals_and_cities() {
    // "X in City" is one mention: the hospital and its city go together.
    assert_eq!(places("She was seen at Methodist Hospital in Houston last spring."), vec!["Methodist Hospital in Houston"]);
    assert_eq!(places("She moved to Houston, TX in May."), vec!["Houston, TX"]);
    assert_eq!(places("Seen at our Chicago clinic twice."), vec!["Chicago clinic"]);
    assert_eq!(places("Transferred to St. Mary's Hospital."), vec!["St. Mary's Hospital"]);
    assert_eq!(places("Follow up at Elm Clinic next week."), vec!["Elm Clinic"]);
    assert_eq!(places("Treated at St. Vincent's for the fracture."), vec!["St. Vincent's"]);
    assert_eq!(places("Records from Cedars-Sinai were reviewed."), vec!["Cedars-Sinai"]);
    assert_eq!(places("Lives in Suffolk County with her son."), vec!["Suffolk County"]);
    assert_eq!(places("She lives in Reading, MA."), vec!["Reading, MA"], "the state goes with its city");
}

#[test]
fn common_word_cities_need_context() {
    assert_eq!(places("Mobile phase was adjusted."), Vec::<&str>::new());
    assert_eq!(places("Reading glasses were prescribed."), Vec::<&str>::new());
    assert_eq!(places("The Family Practice called back."), Vec::<&str>::new());
    assert_eq!(places("Hospital course was uneventful."), Vec::<&str>::new());
}

#[test]
fn states_and_countries_are_exempt_spans() {
    let text = "Moved from Texas to Canada.";
    let s = spans(text);
    assert!(s.iter().any(|s| &text[s.start..s.end] == "Texas" && s.subtype == Some(Subtype::State)));
    assert!(s.iter().any(|s| &text[s.start..s.end] == "Canada" && s.subtype == Some(Subtype::Country)));
    assert_eq!(places(text), Vec::<&str>::new());
}

#[test]
fn spans_lie_on_char_boundaries() {
    let text = "Ünal Øberg from Goiânia, São Paulo — Dr. Ødegård.";
    for s in spans(text) {
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end) && s.start < s.end);
    }
    assert!(names(text).contains(&"Ødegård"));
}

#[test]
fn common_words_that_are_names_in_title_case_or_after_a_determiner_are_not_names() {
    // After an article or a possessive, a common word is a noun, however capitalised.
    assert_eq!(names("We hummed Bring Back My Baby all night."), Vec::<&str>::new());
    assert_eq!(names("Her essay, On the Edge of a Shadow, won a prize."), Vec::<&str>::new());
    assert_eq!(names("Under the Civil Rights Act she filed a claim."), Vec::<&str>::new());
    assert_eq!(names("Later the Princess Royal opened the ward."), Vec::<&str>::new());
    // Title Case: a capitalised common word beside it says the capital is style, not a name.
    assert_eq!(names("Their anthem, But Quietly Love, played on."), Vec::<&str>::new());
    assert_eq!(names("Virtues such as Wisdom and Humility matter."), Vec::<&str>::new());
    assert_eq!(names("Genres: Drama, Mystery & Suspense"), Vec::<&str>::new());
    // A first name that is a word still counts inside ordinary prose.
    assert_eq!(names("We spoke with Grace about the results."), vec!["Grace"]);
    assert_eq!(names("Discussed with her daughter Joy at bedside."), vec!["Joy"]);
}

#[test]
fn chat_roles_and_plural_acronyms_are_not_names() {
    assert_eq!(names("Bot: How can I help you today?\nUser: I lost my card."), Vec::<&str>::new());
    assert_eq!(names("Two MRIs and several EKGs were reviewed."), Vec::<&str>::new());
    assert_eq!(names("Ilse: I lost my card."), vec!["Ilse"], "a name as a speaker label stays a name");
}

#[test]
fn a_sentence_opening_verb_is_not_part_of_the_name_after_it() {
    // A common word that is a surname but no given name, opening the sentence before a given name.
    assert_eq!(names("Call Jane Roe at the office."), vec!["Jane Roe"]);
    assert_eq!(names("Ask Maria Lopez about the bill."), vec!["Maria Lopez"]);
    assert_eq!(names("The patient was seen. Call Maria Lopez with the results."), vec!["Maria Lopez"]);
    // A common given name that is also a word still opens a name.
    assert_eq!(names("Grace Kelly called back."), vec!["Grace Kelly"]);
    // Mid-sentence, the common-word surname stays part of the name.
    assert_eq!(names("We spoke with Jane Call yesterday."), vec!["Jane Call"]);
}

#[test]
fn clinical_shorthand_and_headings_are_not_names() {
    // Invented notes: system headings, shorthand, drug short names and units in every case form.
    for text in [
        "NEURO: ALERT AND ORIENTED, MAE. GU: FOLEY TO GRAVITY. ABD SOFT, TOL TUBE FEEDS.",
        "Neuro: alert, follows commands.\nGU: foley draining well.\nEndo: insulin per scale.\nAbd: soft.",
        "neuro: sleepy but arousable. gu: voiding. abd: obese.",
        "Started on Levo, weaned Vanco dose; pt back from cath lab to the MICU.",
        "PT REMAINS ON LEVO AND VANCO. TRANSFERRED FROM CCU TO SICU.",
        "Respiratory Therapy Progress Note\nPt remains on the vent.",
        "SEE FLOWSHEET FOR DETAILS. URINE CLEAR YELLOW. GIVEN FLUID BOLUS.",
    ] {
        assert!(names(text).is_empty(), "{text:?} -> {:?}", names(text));
    }
}

#[test]
fn a_heading_in_a_headed_note_is_no_speaker() {
    let note = "Resp: lungs clear.\nGI: tolerating diet.\nSoc: wife visited today.";
    assert!(names(note).is_empty(), "{:?}", names(note));
    // Fields of a form are no speakers either.
    assert!(names("Age: 97\nMeds: none.\nEcho: normal.").is_empty());
    // In a dialogue a name before a colon is still a speaker.
    assert_eq!(names("Gabriel: \"Where were you?\"\nSara: \"At home.\""), vec!["Gabriel", "Sara"]);
}

#[test]
fn capitals_alone_are_no_evidence_in_a_note_written_in_capitals() {
    // A lone listed word in capitals, with no cue, is no name ...
    assert!(names("PT WILL REST TONIGHT. HOPE TO WEAN IN AM. MARK SITE.").is_empty());
    // ... but cues and full names still are.
    let text = "PT'S SON JOHN IN TO VISIT. DRS OKAFOR AND BRENNAN AWARE. PAGED DR LINDQVIST. PER NP HALVORSEN NO LABS.";
    let found = names(text);
    for n in ["JOHN", "OKAFOR", "BRENNAN", "LINDQVIST", "HALVORSEN"] {
        assert!(found.contains(&n), "{n} missing from {found:?}");
    }
    assert_eq!(names("MET WITH CHAPLAIN ODALYS PRENTISS."), vec!["ODALYS PRENTISS"]);
    assert_eq!(names("LABS DRAWN AT 6.\nQ. LANDERS RRT"), vec!["Q. LANDERS"]);
}

#[test]
fn one_word_hospital_nicknames_that_are_words_are_no_places() {
    assert!(places("C/O SOME PAIN IN LEFT ARM. WILL START HEPARIN.").is_empty());
}

#[test]
fn a_capital_beside_a_clinical_term_is_a_term_phrase() {
    // Invented note lines: a heading of two words, a device and a drug written capitalised.
    assert!(names("Resp Care: patient remains on the vent.").is_empty(), "{:?}", names("Resp Care: patient remains on the vent."));
    assert!(names("Neuro: alert.\nGI: soft.\nLines: new Vexacath placed today.").is_empty(), "a lone unknown word in a headed note");
    // A cue still names the person in the same note.
    let found = names("Neuro: alert.\nGI: soft.\nSoc: daughter Rosalind visited.");
    assert_eq!(found, vec!["Rosalind"]);
}

#[test]
fn a_relative_written_in_lower_case_after_the_kinship_noun_is_a_name() {
    assert_eq!(names("Plan: daughter ngozi will pick up at noon."), vec!["ngozi"]);
    assert_eq!(names("Spoke with the son tyrone about the plan."), vec!["tyrone"]);
    // A word of the language after the noun stays a word.
    assert!(names("Her daughter will visit; son happy with the plan.").is_empty());
}

#[test]
fn a_hospital_after_a_transfer_verb_is_a_place() {
    // Invented notes: initials, a name in no list, and a Title Case name after verbs of transfer.
    assert_eq!(places("Pt was transferred to QH for cath."), vec!["QH"]);
    assert_eq!(places("PLAN: TRANSFER TO ZELLERBACH 2 WHEN BED AVAILABLE."), vec!["ZELLERBACH 2"]);
    assert_eq!(places("She was discharged to Holy Wells Memorial today."), vec!["Holy Wells Memorial"]);
    assert_eq!(places("plan: transfer to zellerbach 2 when a bed opens."), vec!["zellerbach 2"], "in lower case");
    assert_eq!(places("ADMITTED TO ZELLERBACH7 W/ CHF."), vec!["ZELLERBACH7"]);
    assert_eq!(places("Will transfer to Zellerbach 2 or Zellerbach 3."), vec!["Zellerbach 2", "Zellerbach 3"]);
    assert_eq!(places("PLAN: TRANSFER TODAY TO QH."), vec!["QH"]);
    // Wards, units and the generic outside hospital are where care happens, not identifiers.
    for text in ["Transferred to CCU overnight.", "Sent to CT for a scan.", "Transferred from OSH with sepsis.", "TRANSFERRED TO FLOOR."] {
        assert!(places(text).is_empty(), "{text:?} -> {:?}", places(text));
    }
}

#[test]
fn an_initial_and_a_surname_are_a_clinician() {
    // Invented note lines: an initial with its period before a surname that is also a word.
    assert_eq!(names("INR 3.1 THIS AM. R. BAKER AWARE."), vec!["R. BAKER"]);
    assert_eq!(names("Drainage noted. K. Vandermolen NP aware and evaluated."), vec!["K. Vandermolen NP"], "with the credential, as after a full name");
    assert!(names("Stool sent for C. Diff this morning.").is_empty(), "an organism is no clinician");
    assert!(names("URINE GREW E. COLI, ON CIPRO.").is_empty());
}

#[test]
fn a_heading_of_capitalised_words_before_a_colon_is_no_name() {
    assert!(names("Respiratory Care: patient remains on the vent overnight.").is_empty());
    assert!(names("Social Work Note:\nMet with the family.").is_empty());
    // A speaker's name before a colon is still a name.
    assert_eq!(names("Mary Lou: I feel better today.\nDoctor: Good."), vec!["Mary Lou"]);
}

#[test]
fn a_verb_after_a_kinship_noun_is_no_name_and_a_lone_initial_needs_a_clinician_cue() {
    assert!(names("PT RESTING. HUSBAND WILL TRY TO VISIT. FRIEND CAME IN AT NOON.").is_empty());
    assert!(names("WOUND C&D. DRESSING INTACT. S/O. SEE FLOWSHEET.").is_empty(), "letters of shorthand before a word");
}

#[test]
fn a_facility_word_after_a_city_goes_with_it_in_capitals_too() {
    assert_eq!(places("PLAN: DISCHARGE TO CHICAGO REHAB TOMORROW."), vec!["CHICAGO REHAB"]);
    assert_eq!(places("She goes to the Chicago rehab tomorrow."), vec!["Chicago rehab"]);
}

#[test]
fn a_note_signed_in_lower_case_and_a_clinician_made_aware_are_names() {
    assert_eq!(names("vent settings unchanged, all is well. r. baker rrt"), vec!["r. baker"]);
    assert_eq!(names("RUN OF VT. ODALYS PRENTIX AWARE, MAG GIVEN."), vec!["ODALYS PRENTIX"]);
    assert!(names("K 3.1. MICU TEAM AWARE. FAMILY AWARE.").is_empty(), "a team and a family are no names");
}
