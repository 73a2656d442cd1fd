"""mask_personal_details (issue 14): personal details people type are removed, in English and French, and the
look-alikes the bot needs (service numbers, amounts, sections, years, states after "I'm") stay — masking a drug or
emergency word would blind the safety nets."""

import pytest

from gsdoa_nlu.text import clean_user_text, mask_personal_details

# (message, the personal detail that must be gone)
MASKED = [
    # names, lower-case too
    ("my name is kelsey brightwater and i need help", "kelsey"),
    ("my name is kelsey brightwater and i need help", "brightwater"),
    ("My name is Kelsey Brightwater", "Brightwater"),
    ("MY NAME IS KELSEY, is narcan free", "KELSEY"),
    ("my names jordan, can cops arrest me", "jordan"),
    ("my name's tyrone btw", "tyrone"),
    ("I'm Kelsey and my friend took too much", "Kelsey"),
    ("I am Dakota, is naloxone free in ontario", "Dakota"),
    ("hi im kelsey, my friend isnt breathing", "kelsey"),
    ("hey, i'm brayden. will i get charged", "brayden"),
    ("this is Marguerite from the shelter", "Marguerite"),
    ("they call me Smokey, am i covered", "Smokey"),
    ("call me Jo-Anne", "Jo-Anne"),
    ("je m'appelle marie tremblay, est-ce que je suis protégée", "tremblay"),
    ("je m'appelle marie tremblay, est-ce que je suis protégée", "marie"),
    ("Je m’appelle Éloïse", "Éloïse"),
    ("mon nom est gaston lapointe", "lapointe"),
    ("moi c'est josée, mon chum respire pu", "josée"),
    ("bonjour, je suis Geneviève, j'ai une question", "Geneviève"),
    ("salut c'est Mathieu", "Mathieu"),
    ("name: kelsey brightwater", "brightwater"),
    ("can you check my boyfriend, his name is Alex Sample", "Sample"),
    ("elle s'appelle nathalie gagnon", "gagnon"),
    # phone numbers: local, North-American, international
    ("call me at 555-0187 tonight", "555-0187"),
    ("text 555 0187", "555 0187"),
    ("my cell is 604-555-0187", "555-0187"),
    ("(613) 555-0144 is my number", "555-0144"),
    ("+1 416 555 0199", "555 0199"),
    ("my uk number +44 20 7946 0958", "7946 0958"),
    ("call 011 44 20 7946 0958", "7946"),
    ("mon numéro c'est le +33 6 12 34 56 78", "12 34 56"),
    ("appelle-moi au 514.555.0123", "555.0123"),
    # handles, e-mails, URLs
    ("dm me on insta @kels_b99", "kels_b99"),
    ("my snap is @dark.rider", "dark.rider"),
    ("écris-moi à kb@example.org", "kb@example.org"),
    ("my page www.facebook.com/kelsey.b", "kelsey.b"),
    # dates of birth
    ("I was born March 3 1990", "1990"),
    ("born on the 3rd of March 1990", "1990"),
    ("DOB 03/03/90", "03/03/90"),
    ("dob: march 3, 1990", "march 3"),
    ("né le 3 mars 1990 à Laval", "3 mars"),
    ("date de naissance : 12 juillet 1985", "1985"),
    ("I was born in 1994 so am i a youth", "1994"),
    ("Je suis née en 2001", "2001"),
    # health cards, licences, SIN, card numbers
    ("my ohip is 1234-567-890-AB", "567-890"),
    ("my ohip is 1234-567-890-AB", "AB"),
    ("carte soleil TREM 1234 5678", "TREM"),
    ("ramq trem12345678", "trem12345678"),
    ("licence A1234-56789-01234", "56789"),
    ("SIN 123-456-789", "456-789"),
    ("card 4111 1111 1111 1111", "1111 1111"),
    ("my file number is 20231145", "20231145"),
    # street addresses and units
    ("we're at 42 birch street", "birch"),
    ("1180 Maple Cres", "Maple"),
    ("come to 77 Elm Grove", "Elm Grove"),
    ("i live at 15 Queen St. W", "Queen"),
    ("55 Sunset Drive, he's not breathing", "Sunset"),
    ("apt 304, 12 King Street", "304"),
    ("on est au 22 rue Principale", "Principale"),
    ("au 1450, boulevard de la Côte-Vertu", "Côte-Vertu"),
    ("4025 chemin de la Montagne app. 5", "Montagne"),
    ("j'habite au 12 rang St-Joseph", "Joseph"),
    # postal codes
    ("postal code V5K 0A1", "V5K"),
    ("code postal h2x1y4", "h2x1y4"),
]

# Messages whose look-alike part must stay as it is.
KEPT = [
    ("call 911 now", "911"),
    ("my friend is overdosing call 9-1-1", "9-1-1"),
    ("call or text 988", "988"),
    ("9-8-8 is the crisis line", "9-8-8"),
    ("call 811 for health advice", "811"),
    ("dial 811", "811"),
    ("NORS is 1-888-688-6677", "1-888-688-6677"),
    ("the line 1-800-668-6868 for kids", "1-800-668-6868"),
    ("call 1 855 242-3310", "1 855 242-3310"),
    ("i had 2.5 g on me", "2.5 g"),
    ("is 30 g personal use", "30 g"),
    ("what about 0.5g of fent", "0.5g"),
    ("s. 4.1 of the CDSA", "s. 4.1"),
    ("section 4.1", "4.1"),
    ("the law from 2017", "2017"),
    ("R. v. Wilson, 2025 SCC 32", "2025 SCC 32"),
    ("on the 4th", "the 4th"),
    ("since May 2017", "May 2017"),
    ("I'm scared", "scared"),
    ("I'm on probation", "on probation"),
    ("im high rn", "high"),
    ("I'm overdosing", "overdosing"),
    ("i'm 17", "17"),
    ("I'm Indigenous", "Indigenous"),
    ("I'm pregnant and i used", "pregnant"),
    ("hi im tweaking bad", "tweaking"),
    ("hey im alone", "alone"),
    ("hi i'm worried about my friend", "worried"),
    ("je suis seul", "seul"),
    ("je suis inquiet", "inquiet"),
    ("je suis en probation", "en probation"),
    ("bonjour je suis gelée", "gelée"),
    ("c'est le fentanyl", "fentanyl"),
    ("I'm in Halifax", "Halifax"),
    ("i took 2 pills at my place", "2 pills"),
    ("took 3 hits on the way home", "3 hits"),
    ("he drank 6 beers on the drive", "6 beers"),
    ("is it 20 points", "20 points"),
    ("my name is not important, he's not breathing", "not breathing"),
    ("my name is not important, he's not breathing", "my name is not important"),
    ("it's Friday", "Friday"),
    ("we were 3 people", "3 people"),
    ("10 years ago", "10 years"),
    ("1 in 5 overdoses", "1 in 5"),
    ("at 3:30 am", "3:30"),
    ("$40 worth", "$40"),
    ("Bill C-224", "C-224"),
    ("between 2016 and 2023", "2016"),
    ("i'm Naloxone trained", "Naloxone"),
    ("I'm Fentanyl sick", "Fentanyl"),
    ("is the act from 2017-05-04", "the act"),
    ("mon chum respire pu", "respire pu"),
    ("il fait une surdose au 3e étage", "surdose"),
    ("i'm on parole and my buddy ODd", "on parole"),
    ("le 811 au Québec c'est Info-Santé?", "Info-Santé"),
    ("Using Naloxone Past Its Expiry Date", "Expiry Date"),
    ("What Is the 8-1-1 Health Line Used For?", "8-1-1 Health Line"),
    ("la C.-B. en 2026", "C.-B. en 2026"),
    ("I'm confused why it's Canada's job", "Canada's job"),
    ("je ne 1990", "1990"),
    # who the person is decides the crisis line (Hope for Wellness): never masked
    ("I'm Cree and thinking of ending it", "Cree"),
    ("je suis Innue", "Innue"),
    ("I'm Two-Spirit", "Two-Spirit"),
    ("I'm Métis", "Métis"),
    ("I'm Puking", "Puking"),
    ("I'm Shaking", "Shaking"),
]


def test_the_lists_are_long_enough():
    assert len(MASKED) >= 40 and len(KEPT) >= 40
    assert len({m for m, _ in MASKED}) >= 40 and len({m for m, _ in KEPT}) >= 40


@pytest.mark.parametrize("message, secret", MASKED)
def test_personal_details_are_masked(message, secret):
    assert secret not in mask_personal_details(message)
    assert secret not in clean_user_text(message, 1000)[0]


@pytest.mark.parametrize("message, kept", KEPT)
def test_look_alikes_are_kept(message, kept):
    assert kept in mask_personal_details(message)


@pytest.mark.parametrize(
    "message, words",
    [
        ("my name is kelsey brightwater and my friend isn't breathing", ["and my friend isn't breathing"]),
        ("hi im kelsey, my friend took fentanyl and wont wake up", ["fentanyl", "wont wake up"]),
        ("je m'appelle marie tremblay, mon chum respire pu", ["mon chum respire pu"]),
        ("55 Sunset Drive, he's not breathing", ["he's not breathing"]),
    ],
)
def test_the_rest_of_an_emergency_message_stays(message, words):
    masked = mask_personal_details(message)
    for word in words:
        assert word in masked
