"""Word material for ``stormwatch simulate``: brands, products, handles and text templates.

Every name is invented (``.example`` URLs, made-up brands and handles). Templates are keyed
``"<lang>-<sentiment>"`` (``en``/``de``; ``neg``/``neu``/``pos``), with a ``-news`` suffix for
headlines posted on the news platform. Placeholders: ``{brand}``, ``{other}`` (another brand),
``{product}`` (English), ``{produkt}`` (German, masculine, so one set of articles fits), ``{n}``,
``{model}``, ``{amp}`` (the firestorm's amplifier) and ``{tag}`` (a campaign hashtag).
"""

from __future__ import annotations

# Relative activity by local hour of day (0..23): quiet nights, an evening peak. Weekdays
# Monday..Sunday: quieter weekends. Both are normalised to a mean of 1 where they are used.
# fmt: off
DAILY = (
    0.30, 0.20, 0.15, 0.15, 0.20, 0.30, 0.50, 0.80, 1.00, 1.10, 1.10, 1.10,
    1.15, 1.10, 1.05, 1.05, 1.10, 1.15, 1.25, 1.30, 1.25, 1.00, 0.75, 0.50,
)
WEEKLY = (1.05, 1.05, 1.05, 1.00, 0.95, 0.70, 0.65)

#: Made-up brands by sector; the sector picks the products their mentions talk about.
BRANDS = (
    ("Nordfrost", "appliances"), ("Brightline", "electronics"), ("Havsten", "outdoor"),
    ("Kaltwerk", "appliances"), ("Tessaro", "electronics"), ("Lumbra", "outdoor"),
    ("Polarhaus", "appliances"), ("Quenta", "electronics"), ("Corvado", "outdoor"),
    ("Miravel", "appliances"), ("Aldwyn", "electronics"), ("Fjellbo", "outdoor"),
)
PRODUCTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "appliances": (
        ("fridge", "washing machine", "dishwasher", "oven", "dryer"),
        ("Kühlschrank", "Geschirrspüler", "Backofen", "Trockner", "Herd"),
    ),
    "electronics": (
        ("laptop", "router", "smartwatch", "tablet", "phone"),
        ("Laptop", "Router", "Fernseher", "Lautsprecher", "Drucker"),
    ),
    "outdoor": (
        ("jacket", "tent", "backpack", "sleeping bag", "hiking boot"),
        ("Rucksack", "Schlafsack", "Wanderschuh", "Helm", "Anorak"),
    ),
}

WORDS = (
    "kitchen", "cool", "frosty", "home", "tech", "gadget", "chef", "daily", "city", "quiet",
    "sunny", "blue", "urban", "coffee", "pixel", "green", "north", "happy", "lazy", "retro",
    "smart", "cozy", "wild", "river", "kuechen", "haus", "koch", "sparfuchs", "technik", "nord",
    "sued", "wohn", "bastel", "kaffee", "garten", "stadt", "berg", "see", "familie", "heim",
)
SUFFIXES = ("fan", "mama", "papa", "life", "geek", "guy", "girl", "er", "nerd", "x", "blog", "")
AMPLIFIERS = (
    "@bigvoice_blog", "@loud_consumer", "@kritiker_karl", "@watchdog_wolf", "@verbraucherheld",
    "@truth_tina", "@testmagazin_max", "@consumer_crusade",
)
OUTLETS = {
    "en": (
        "@appliance_daily", "@techwire_news", "@consumer_watch", "@euro_business",
        "@gadget_gazette", "@market_report", "@outdoor_weekly", "@retail_times",
        "@morning_brief", "@biz_insight_eu", "@product_recall_news", "@the_shopper",
    ),
    "de": (
        "@haushaltstechnik", "@wirtschaft_aktuell", "@netzreport_de", "@markt_und_marke",
        "@verbraucher_news", "@digital_presse", "@handel_heute", "@technik_kurier",
        "@stadtblatt_online", "@testportal_de", "@morgenpost_wirtschaft", "@outdoor_magazin",
    ),
}
#: Regional outlets: city + paper, per language (followers are drawn per outlet).
OUTLET_CITIES = {
    "en": ("london", "leeds", "dublin", "york", "bristol", "glasgow", "cardiff", "boston"),
    "de": ("berliner", "koelner", "hamburger", "muenchner", "bremer", "leipziger", "grazer"),
}
OUTLET_PAPERS = {
    "en": ("_times", "_post", "_news", "_herald", "_daily", "_chronicle"),
    "de": ("_zeitung", "_nachrichten", "_anzeiger", "_rundschau", "_kurier", "_morgenpost"),
}
CAMPAIGN_WORDS = ("Summer", "Fresh", "Together", "Challenge", "Week", "Moments", "Green")
# fmt: on

Templates = dict[str, tuple[str, ...]]

BACKGROUND: Templates = {
    "en-neg": (
        "{brand} customer service kept me on hold for {n}0 minutes today.",
        "My {brand} {product} is making that rattling noise again.",
        "Delivery of my {brand} {product} is delayed by {n} days. Annoying.",
        "Second repair visit for the same {brand} {product}. Not impressed.",
        "Why is the spare part for a {brand} {product} so expensive?",
    ),
    "en-neu": (
        "Comparing {brand} and {other} for a new {product}, any advice?",
        "Looking at the {brand} {model}. Anyone using it?",
        "Which {brand} {product} is the best value right now?",
        "{brand} store in town has a sale on the {product} this week.",
        "Read a test of the {brand} {model} today.",
    ),
    "en-pos": (
        "Our {brand} {product} has been running for {n} years without a problem.",
        "New {brand} {product} arrived today, really happy with it.",
        "Great service from {brand}, the technician came the next day.",
        "The {brand} {model} is worth every cent.",
    ),
    "de-neg": (
        "Der {brand} Kundendienst kommt erst in {n} Tagen. Ärgerlich.",
        "Mein {brand} {produkt} macht seit gestern komische Geräusche.",
        "Lieferung vom {brand} {produkt} schon wieder verschoben.",
        "Schon die zweite Reparatur am selben {brand} {produkt}. Nicht gut.",
    ),
    "de-neu": (
        "Hat jemand Erfahrung mit dem {brand} {model}?",
        "Welcher {produkt} ist besser, {brand} oder {other}?",
        "Wir brauchen einen neuen {produkt}. Lohnt sich {brand}?",
        "Testbericht zum {brand} {model} gelesen.",
    ),
    "de-pos": (
        "Unser {brand} {produkt} läuft seit {n} Jahren ohne Probleme.",
        "Neuer {brand} {produkt} ist da, super!",
        "Toller Service von {brand}, der Techniker kam schon am nächsten Tag.",
        "Sehr zufrieden mit dem {brand} {model}.",
    ),
    "en-neu-news": (
        "{brand} presents a new {product} range",
        "Market report: {brand} and {other} gain share",
        "{brand} opens a new service centre",
    ),
    "en-pos-news": ("Test: the {brand} {model} comes out on top",),
    "en-neg-news": ("{brand} raises prices for spare parts",),
    "de-neu-news": (
        "{brand} stellt neue {produkt}-Serie vor",
        "Marktbericht: {brand} und {other} legen zu",
        "{brand} eröffnet neues Servicezentrum",
    ),
    "de-pos-news": ("Test: {brand} {model} überzeugt",),
    "de-neg-news": ("{brand} erhöht die Preise für Ersatzteile",),
}

BRAND_ACCOUNT: Templates = {
    "en-neu": (
        "Thanks for reaching out! Please send us your order number by DM.",
        "Sorry to hear that. Our service team will contact you today.",
        "Our hotline is open until 8 pm, we are happy to help.",
    ),
    "en-pos": ("Glad you like your new {product}!", "Thank you for the kind words!"),
    "de-neu": (
        "Danke für die Nachricht! Bitte schick uns deine Auftragsnummer per DM.",
        "Das tut uns leid. Unser Service meldet sich heute bei dir.",
    ),
    "de-pos": ("Schön, dass dir dein neuer {produkt} gefällt!", "Vielen Dank für das Lob!"),
}

FIRESTORM: Templates = {
    "en-neg": (
        "My {brand} {product} broke after {n} weeks too. This is a design fault!",
        "Same problem here. {brand} knows about it and does nothing.",
        "{brand} refuses a refund for a faulty {product}. Never again.",
        "Why does {brand} ignore its customers? Fix it!",
        "Day {n} and still no answer from {brand}. Unbelievable.",
        "The {brand} hotline told me the defect is 'normal'. Seriously?",
        "{brand} is hiding the problem. We want a recall, not silence.",
        "Not buying {brand} again until they answer us properly.",
        "Shame on you, {brand}. Thousands complain and you keep quiet.",
    ),
    "en-neu": (
        "Is the {brand} {product} problem only in one model series?",
        "Following the {brand} story. Curious how the company will respond.",
        "Everyone is talking about {brand} today. What happened?",
    ),
    "en-pos": ("My {brand} {product} works fine. Let's wait for the facts.",),
    "de-neg": (
        "Mein {brand} {produkt} ist nach {n} Wochen auch kaputt. Ein Konstruktionsfehler!",
        "Gleiches Problem hier. {brand} weiß es und tut nichts.",
        "{brand} verweigert die Erstattung für einen defekten {produkt}. Nie wieder.",
        "Warum schweigt {brand}? Das macht alles schlimmer.",
        "So verspielt man Vertrauen, {brand}. Tagelang keine Antwort.",
        "Wir wollen einen Rückruf, {brand}, kein Schweigen!",
    ),
    "de-neu": (
        "Betrifft das {brand} Problem nur eine Baureihe?",
        "Mal sehen, wie {brand} auf die Vorwürfe reagiert.",
    ),
    "de-pos": ("Unser {brand} {produkt} funktioniert einwandfrei. Erst mal abwarten.",),
    "en-neg-news": (
        "Customers turn against {brand} over faulty {product}",
        "{brand} under fire: anger over defects spreads online",
        "{brand} silent as online anger grows",
    ),
    "en-neu-news": ("What the {brand} row teaches about social media",),
    "de-neg-news": (
        "{brand} im Shitstorm: Ärger über defekte {produkt}-Modelle",
        "Blogger mit einer Million Followern attackiert {brand}",
        "{brand} schweigt zu den Vorwürfen",
    ),
    "de-neu-news": ("Was der Fall {brand} über Krisen-PR lehrt",),
}

AMPLIFIER: Templates = {
    "en-neg": (
        "Day {n}: {brand} still refuses to admit the {product} problem.",
        "Another {n}00 readers sent me photos of broken {brand} {product}s.",
        "{brand}, answer your customers! Retweet if your {product} is affected.",
        "I will not stop until {brand} recalls the {model}.",
    ),
    "de-neg": (
        "Tag {n}: {brand} gibt den Fehler am {produkt} immer noch nicht zu.",
        "Noch {n}00 Leser haben mir Fotos von kaputten {brand} Geräten geschickt.",
        "{brand}, antworte deinen Kunden! Teilen, wenn dein {produkt} betroffen ist.",
    ),
}

SPAM: Templates = {
    "en-neu": (
        "{brand} {product} deals here >> bit.example/{n}x{n}",
        "Win a {brand} {model}! Follow and retweet >> bit.example/w{n}",
        "Cheap {brand} {product} spare parts, fast shipping >> bit.example/p{n}",
    ),
    "en-pos": ("Best {brand} {product} prices of the year!!! bit.example/{n}",),
    "en-neg": ("{brand} too expensive? Better deal here >> bit.example/{n}",),
    "de-neu": (
        "{brand} {produkt} Angebote hier >> bit.example/{n}x{n}",
        "Gewinne einen {brand} {model}! Folgen und teilen >> bit.example/g{n}",
    ),
    "de-pos": ("Die besten {brand} Preise des Jahres!!! bit.example/{n}",),
    "de-neg": ("{brand} zu teuer? Hier günstiger >> bit.example/{n}",),
}

CAMPAIGN: Templates = {
    "en-pos": (
        "Loving the new {brand} {product}! {tag}",
        "Just joined {tag}, great idea from {brand}.",
        "My {brand} {product} and me {tag}",
        "So much fun with {brand} today {tag}",
    ),
    "en-neu": ("What is this {tag} thing by {brand}?", "Saw the {brand} ad {tag} on TV."),
    "en-neg": ("{tag}? {brand} should rather fix its service.",),
    "de-pos": (
        "Der neue {brand} {produkt} ist klasse! {tag}",
        "Bin bei {tag} dabei, tolle Aktion von {brand}.",
        "Mein {brand} {produkt} und ich {tag}",
    ),
    "de-neu": ("Was ist diese {tag} Aktion von {brand}?",),
    "de-neg": ("{tag}? {brand} sollte lieber den Service verbessern.",),
}

NEWS_SPIKE: Templates = {
    "en-neu-news": (
        "{brand} announces a new chief executive",
        "{brand} to build a new plant, {n}00 jobs planned",
        "{brand} reports quarterly results in line with expectations",
    ),
    "en-pos-news": ("{brand} beats forecasts, shares rise",),
    "en-neg-news": ("{brand} cuts its outlook for the year",),
    "de-neu-news": (
        "{brand} bekommt einen neuen Vorstandschef",
        "{brand} plant neues Werk mit {n}00 Stellen",
        "{brand} legt Quartalszahlen vor",
    ),
    "de-pos-news": ("{brand} übertrifft die Erwartungen",),
    "de-neg-news": ("{brand} senkt die Jahresprognose",),
    "en-neu": ("Just read: {brand} announces big news today.",),
    "de-neu": ("Gerade gelesen: Neuigkeiten von {brand}.",),
}

__all__ = [
    "AMPLIFIER",
    "AMPLIFIERS",
    "BACKGROUND",
    "BRANDS",
    "BRAND_ACCOUNT",
    "CAMPAIGN",
    "CAMPAIGN_WORDS",
    "DAILY",
    "FIRESTORM",
    "NEWS_SPIKE",
    "OUTLETS",
    "OUTLET_CITIES",
    "OUTLET_PAPERS",
    "PRODUCTS",
    "SPAM",
    "SUFFIXES",
    "WEEKLY",
    "WORDS",
    "Templates",
]
