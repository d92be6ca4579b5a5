"""General French and English word lists for narrative extraction.

Reporting verbs (lemmas, plus inflected forms for pipelines without a lemmatizer), titles, role nouns,
institution and document nouns, travel verbs, tense markers, and the words of dates. Nothing here is tied
to one article: every list is the general vocabulary of news reporting.
"""

from __future__ import annotations

import re
import unicodedata

from geostory.gazetteer.text import CharTable

# --- reporting (speech-act) verbs, as lemmas -------------------------------------------------------------

REPORTING_FR = frozenset("""
indiquer déclarer affirmer ajouter souligner assurer annoncer confirmer estimer expliquer préciser vanter
promettre dénoncer dire répondre réagir raconter sourire plaisanter lancer rappeler insister marteler prévenir
avertir reconnaître admettre juger considérer noter observer commenter déplorer regretter saluer féliciter
accuser critiquer fustiger poursuivre reprendre conclure résumer demander exclamer écrire tweeter twitter
confier glisser témoigner relater signaler avancer soutenir arguer clamer proclamer lâcher ironiser indigner
alarmer nuancer détailler certifier garantir jurer menacer exhorter appeler prédire qualifier évoquer
murmurer crier tonner énoncer compléter enchaîner renchérir rétorquer répliquer objecter protester démentir
nier inviter réclamer exiger implorer supplier souhaiter espérer avouer concéder constater déclamer décrire
interroger s'interroger questionner pointer relever mentionner citer traiter réitérer répéter conseiller
recommander suggérer proposer informer communiquer publier condamner rapporter narrer réjouir inquiéter
insurger étonner désoler agacer emporter alerter assener asséner tacler railler fustiger pester fulminer
plaider défendre justifier revendiquer trancher minimiser rassurer prôner dévoiler révéler
reprocher interpeller invectiver balayer soupirer s'esclaffer grincer résumer analyser commenter diagnostiquer pronostiquer prophétiser
""".split())

REPORTING_EN = frozenset("""
say tell add state announce confirm explain note claim insist warn argue declare write tweet reply respond
ask continue conclude recall admit acknowledge describe call praise promise deny suggest report stress
emphasize emphasise highlight comment observe remark joke smile laugh shout urge predict estimate vow pledge
assure affirm boast complain lament concede point recount testify allege maintain reiterate repeat
contend assert invite demand hail welcome condemn denounce criticize criticise accuse caution
thank cheer quip muse wonder exclaim whisper mutter cry yell propose recommend advise post blame disclose
reveal indicate signal hint speculate grumble protest object retort counter rebut dismiss slam blast lash
defend applaud apologize apologise swear threaten plead beg implore appeal underline underscore reflect
reckon forecast proclaim query question answer rule brief
""".split())

REPORTING_LEMMAS = {"fr": REPORTING_FR, "en": REPORTING_EN}

# verbs that report the words of someone else but whose subject is not the speaker
NON_SPEAKER_SUBJECT = frozenset({"citer", "cite", "quote"})

_EN_IRREGULAR = {
    "say": ("says", "said", "saying"), "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"), "cry": ("cries", "cried", "crying"),
    "swear": ("swears", "swore", "sworn"), "forecast": ("forecasts", "forecasting"), "rule": ("rules", "ruled"),
    "brief": ("briefs", "briefed"),
    "hail": ("hails", "hailed"), "continue": ("continues", "continued", "continuing"),
}

_FR_IRREGULAR = {
    "dire": "dit dite dis disent disait disaient dira diront dirait",
    "répondre": "répond répondu répondent répondait répondra",
    "reconnaître": "reconnaît reconnait reconnu reconnue reconnaissent reconnaissait",
    "promettre": "promet promis promise promettent promettait promettra",
    "admettre": "admet admis admettent admettait",
    "prévenir": "prévient prévenu préviennent prévenait préviendra",
    "soutenir": "soutient soutenu soutiennent soutenait",
    "écrire": "écrit écrite écrivent écrivait écrira",
    "décrire": "décrit décrivent décrivait",
    "sourire": "sourit souri sourient souriait",
    "conclure": "conclut conclu concluent concluait",
    "reprendre": "reprend repris reprennent reprenait",
    "poursuivre": "poursuit poursuivi poursuivent poursuivait",
    "réagir": "réagit réagi réagissent réagissait",
    "avertir": "avertit averti avertissent avertissait",
    "maintenir": "maintient maintenu",
    "défendre": "défend défendu défendent défendait",
    "révéler": "révèle révélé", "réjouir": "réjouit réjoui",
    "relever": "relève relevé relèvent", "lever": "lève",
    "répéter": "répète répété répètent", "réitérer": "réitère réitéré",
    "espérer": "espère espéré espèrent", "suggérer": "suggère suggéré",
    "exiger": "exige exigé exigent exigeait", "interroger": "interroge interrogé",
    "lancer": "lance lancé lancent lançait", "avancer": "avance avancé",
    "prédire": "prédit prédisent", "enchaîner": "enchaîne enchaîné",
    "inquiéter": "inquiète inquiètent", "compléter": "complète complètent", "asséner": "assène asséné",
}


def _fr_forms(lemma: str) -> set[str]:
    """Inflected third-person and participle forms of a French reporting verb."""
    lemma = lemma.removeprefix("s'")
    forms = {lemma}
    if lemma in _FR_IRREGULAR:
        forms.update(_FR_IRREGULAR[lemma].split())
    if lemma.endswith("er"):
        stem = lemma[:-2]
        soft = stem + ("e" if stem.endswith("g") else "")
        forms.update({stem + "e", stem + "ent", stem + "é", stem + "ée", stem + "és", stem + "ées",
                      soft + "ait", soft + "aient", soft + "a", stem + "èrent", stem + "era", stem + "eront",
                      stem + "erait", stem + "ant" if not stem.endswith("g") else stem + "eant"})
    elif lemma.endswith("ir"):
        stem = lemma[:-2]
        forms.update({stem + "it", stem + "i", stem + "issent", stem + "issait", stem + "issant"})
    return forms


def _en_forms(lemma: str) -> set[str]:
    """Inflected forms of an English reporting verb."""
    forms = {lemma}
    if lemma in _EN_IRREGULAR:
        forms.update(_EN_IRREGULAR[lemma])
        return forms
    if lemma.endswith("e"):
        forms.update({lemma + "s", lemma + "d", lemma[:-1] + "ing"})
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms.update({lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"})
    else:
        ed = lemma + (lemma[-1] if re.search(r"[^aeiou][aeiou][pbtgm]$", lemma) and len(lemma) <= 4 else "")
        forms.update({lemma + ("es" if lemma.endswith(("sh", "ch", "s", "x")) else "s"), ed + "ed", ed + "ing"})
    return forms


def _form_table(lemmas, forms_of) -> dict[str, str]:
    """form -> lemma, the same in every process (set order changes with the hash seed): when lemmas share a form
    ("told" is listed and is a form of "tell"; "interroge" of "interroger" and "s'interroger") the plain lemma,
    then the first in alphabetical order, wins."""
    table: dict[str, str] = {}
    for lem in sorted(lemmas, key=lambda x: (x.startswith("s'"), x)):
        for form in sorted(forms_of(lem)):
            table.setdefault(form, lem)
    return table


REPORTING_FORMS = {"fr": _form_table(REPORTING_FR, _fr_forms), "en": _form_table(REPORTING_EN, _en_forms)}

# --- people ------------------------------------------------------------------------------------------------

TITLES = frozenset("""M. MM. Mme Mmes Mlle Me Dr Dr. Pr Pr. Mgr Mr Mr. Mrs Mrs. Ms Ms. Prof. Sir Dame Lord Lady
Sen. Rep. Gen. Col. Capt. Sgt. Gov. Rev. Sheikh Cheikh""".split())

ROLE_NOUNS_FR = frozenset("""
président présidente vice-président vice-présidente ministre porte-parole préfet préfète sous-préfet maire
député députée sénateur sénatrice ambassadeur ambassadrice secrétaire directeur directrice pdg patron patronne
chef cheffe dirigeant dirigeante leader conseiller conseillère chercheur chercheuse journaliste correspondant
correspondante général générale commandant colonel juge procureur procureure avocat avocate gouverneur
gouverneure roi reine prince princesse pape chancelier chancelière champion championne entraîneur entraîneuse
sélectionneur sélectionneuse joueur joueuse capitaine responsable expert experte analyste professeur
professeure médecin habitant habitante témoin survivant survivante mère père fils fille épouse mari frère
sœur soeur homologue successeur candidat candidate commissaire émir cheikh imam évêque archevêque élu élue
militant militante fondateur fondatrice économiste historien historienne politologue spécialiste étudiant
étudiante agriculteur agricultrice éleveur éleveuse diplomate envoyé envoyée négociateur négociatrice
rapporteur rapporteure coordinateur coordinatrice administrateur administratrice directeur-général vainqueur
président-élu présidente-élue ministre-président chargé chargée délégué déléguée
représentant représentante maire-adjoint adjoint adjointe opposant opposante proche source ouvrier ouvrière
salarié salariée riverain riveraine manifestant manifestante victime policier policière gendarme pompier
soldat officier sportif sportive athlète entrepreneur entrepreneuse employé employée infirmier infirmière
enseignant enseignante élève parent retraité retraitée touriste voisin voisine ami amie syndicaliste
président-directeur magistrat magistrate greffier greffière enquêteur enquêtrice
""".split())

ROLE_NOUNS_EN = frozenset("""
president vice-president minister spokesman spokeswoman spokesperson secretary director chief
head leader adviser advisor chairman chairwoman chair ceo founder ambassador governor mayor senator
representative lawmaker general commander official officer resident witness researcher professor doctor
expert analyst king queen prince princess pope chancellor judge prosecutor lawyer attorney curator coach
champion player captain mother father son daughter wife husband counterpart candidate manager executive
president-elect commissioner envoy diplomat journalist correspondent activist survivor victim farmer student
teacher owner chairperson superintendent sheriff inspector negotiator delegate emir premier nurse soldier
worker employee engineer scientist economist historian neighbour neighbor friend brother sister parent
athlete organiser organizer campaigner protester investigator detective spokesperson councillor councilor
""".split())

ROLE_NOUNS = {"fr": ROLE_NOUNS_FR, "en": ROLE_NOUNS_EN}

# grammatical gender cues for people: titles, English gendered nouns, French feminine endings and determiners
TITLE_GENDER = {"M.": "m", "MM.": "m", "Mr": "m", "Mr.": "m", "Sir": "m", "Lord": "m", "Mme": "f", "Mmes": "f",
                "Mlle": "f", "Mrs": "f", "Mrs.": "f", "Ms": "f", "Ms.": "f", "Dame": "f", "Lady": "f"}
GENDERED_EN = {**dict.fromkeys("""spokesman chairman king prince father son husband brother businessman
congressman policeman fireman sportsman man boy""".split(), "m"), **dict.fromkeys("""spokeswoman chairwoman
queen princess mother daughter wife sister businesswoman congresswoman policewoman woman girl""".split(), "f")}
FEMININE_ENDINGS_FR = ("trice", "euse", "esse", "ète", "ière", "ienne", "enne", "onne", "ée", "ante", "ente")
FEMININE_DETS = frozenset({"la", "une", "cette", "sa", "ma", "ta", "notre"})
MASCULINE_DETS = frozenset({"le", "un", "ce", "cet", "du", "au"})

# role words that fit any named leader ("le chef de la diplomatie" may be a minister)
GENERIC_ROLES = frozenset({"chef", "cheffe", "dirigeant", "dirigeante", "leader", "responsable", "head", "chief",
                           "homologue", "counterpart", "official", "officer"})

# role words that are also everyday nouns: roles only with a complement ("head of", "chef de") or a modifier
AMBIGUOUS_ROLES = frozenset({"head", "chair", "source", "parent", "proche"})

# institutions, bodies and groups that speak
ORG_NOUNS_FR = frozenset("""
ministère gouvernement présidence préfecture mairie ambassade agence police gendarmerie armée parquet tribunal
cour conseil commission direction services service office organisation ong entreprise société compagnie groupe
syndicat parti état-major fédération association université institut hôpital banque fondation comité assemblée
sénat parlement autorités administration diplomatie justice douane douanes pompiers secours municipalité
département région collectivité chancellerie élysée cabinet délégation mission coalition alliance
constructeur fabricant industriel opérateur assureur distributeur laboratoire club équipe enseigne chaîne
journal quotidien hebdomadaire radio télévision start-up firme holding consortium cabinet
""".split())

ORG_NOUNS_EN = frozenset("""
ministry government department agency police army military office embassy council commission committee court
company firm group union party authorities administration service services foundation museum university
institute hospital bank federation association coalition alliance board senate parliament congress cabinet
delegation mission prosecutors carmaker automaker manufacturer maker producer retailer airline insurer lender
operator supplier developer broadcaster newspaper network club team startup conglomerate charity regulator
watchdog exchange
""".split())

ORG_NOUNS = {"fr": ORG_NOUNS_FR, "en": ORG_NOUNS_EN}

# documents and anonymous sources that "say" things
DOCUMENT_NOUNS = frozenset("""communiqué déclaration rapport document texte lettre tweet message courrier note
statement report letter post memo source sources""".split())

# named things that are not people: "la tempête Ciaran", "the ship Ever Given", "l'opération Barkhane"
NON_PERSON_TYPES = frozenset("""
tempête cyclone ouragan typhon dépression orage storm hurricane cyclone typhoon navire bateau cargo paquebot
porte-avions frégate sous-marin ship vessel tanker ferry carrier opération operation mission plan programme
program projet project loi law traité treaty accord pacte festival salon sommet summit exposition exhibition
film série series album livre book roman novel journal magazine émission show application app logiciel
software virus variant maladie disease fusée rocket satellite sonde probe avion aircraft plane vol flight
train route autoroute highway rue street avenue boulevard place square pont bridge quartier district
""".split())

# head words of organisation, facility and group names: a capitalised sequence with one of them is no person
ORG_NAME_WORDS = frozenset("""
airways airlines airline air airport aéroport arena stadium stade centre center museum musée gallery
galerie brigade regiment régiment battalion bataillon division fleet flotte guard garde army armée force forces
crescent cross croix bank banque group groupe party parti office commission committee comité court cour
company compagnie inc corp corporation ltd llc sa sas gmbh holdings university université institute institut
school école college collège hospital hôpital clinic clinique église mosque mosquée cathedral
cathédrale palace palais tower tour station gare port harbour harbor bridge pont road street avenue
boulevard square agency agence ministry ministère council conseil fondation foundation association
federation fédération union news times post herald tribune journal gazette press presse radio tv
télévision network club fc open cup coupe championship championnat league ligue games jeux
""".split())

_CALENDAR = """lundi mardi mercredi jeudi vendredi samedi dimanche janvier février fevrier mars avril mai juin
juillet août aout septembre octobre novembre décembre decembre monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november december"""

# words that are never person names even when capitalised
NOT_NAME_WORDS = frozenset(_CALENDAR.split()) | ORG_NAME_WORDS | frozenset("""
covid national international united federal state republic république nations assemblée tribunal
société direction circuit district appeals supreme first second third fourth fifth sixth seventh eighth ninth
tenth eleventh
""".split())

ARTICLES = ({"l'", "l’", "le", "la", "un", "une", "les", "des"}, {"the", "a", "an"})  # (fr, en)

PRONOUNS = {"fr": {"il": "m", "elle": "f", "ils": "p", "elles": "p"},
            "en": {"he": "m", "she": "f", "they": "p"}}

# --- events and travel -------------------------------------------------------------------------------------

TRAVEL_FR = frozenset("""rendre aller venir arriver partir quitter visiter rejoindre retrouver rentrer retourner
regagner atterrir débarquer voyager transiter séjourner appareiller envoler décoller embarquer accoster
déplacer repartir revenir assister gagner""".split())

TRAVEL_EN = frozenset("""travel visit arrive leave depart go come fly head return reach land sail tour move
drive attend meet""".split())

TRAVEL_LEMMAS = {"fr": TRAVEL_FR, "en": TRAVEL_EN}

TRAVEL_NOUNS = frozenset("""visite voyage déplacement tournée séjour périple escale visit trip tour journey
voyage stopover""".split())

# verbs that put their subject at the place only when the place is introduced by a locative preposition
PRESENCE_VERBS = frozenset({"assister", "retrouver", "gagner", "attend", "meet"})

ORIGIN_VERBS = frozenset({"quitter", "partir", "venir", "appareiller", "décoller", "leave", "depart"})

PLANNED_LEMMAS = frozenset({"devoir", "prévoir", "compter", "envisager", "projeter", "aller"})

FUTURE_WORDS_EN = frozenset({"will", "shall", "'ll", "going", "expected", "expect", "expects", "set", "due",
                             "plans", "planned", "scheduled", "forecast", "forecasting", "would"})

FUTURE_WORDS_FR = frozenset({"prochain", "prochaine", "prochainement", "prévu", "prévue", "prévus", "prévues"})

# --- dates -------------------------------------------------------------------------------------------------

WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
            "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
          "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
          "decembre": 12, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
          "jan.": 1, "feb.": 2, "aug.": 8, "sept.": 9, "sep.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
          "janv.": 1, "févr.": 2, "avr.": 4, "juil.": 7, "déc.": 12}

NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
                "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "quelques": None, "plusieurs": None, "few": None, "several": None}


def _fold_char(c: str) -> str:
    base = next((x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)), c)
    return {"’": "'", "‘": "'"}.get(base, base).lower()[:1] or c


_FOLDED = CharTable(_fold_char)


def fold(s: str) -> str:
    """Lower case without accents, straight apostrophes; same length as ``s`` for ASCII-mappable text."""
    return s.lower() if s.isascii() else s.translate(_FOLDED)


def is_reporting(word: str, lemma: str, lang: str) -> str | None:
    """The reporting lemma of a word (by its lemma, else by its inflected form), or None."""
    lemmas = REPORTING_LEMMAS.get(lang, REPORTING_EN)
    lem = lemma.lower().removeprefix("s'")
    if lem in lemmas:
        return lem
    return REPORTING_FORMS.get(lang, REPORTING_FORMS["en"]).get(word.lower().replace("’", "'"))
