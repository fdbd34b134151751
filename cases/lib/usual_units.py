"""The unit goods of an HS heading or subheading are usually counted in at the border, so
that the goods line form can preselect it (one choice less on a phone). Longest prefix
wins; a code not listed leaves the unit as the officer set it."""

USUAL_UNITS: dict[str, str] = {
    "2401": "kg",  # raw tobacco
    "240210": "pcs",  # cigars, cigarillos
    "240220": "packs",  # cigarettes
    "2402": "packs",
    "2403": "kg",  # smoking and cut tobacco
    "2404": "pcs",  # heated tobacco sticks, e-liquids in cartridges
    "2203": "l",  # beer
    "2204": "l",  # wine
    "2205": "l",
    "2206": "l",
    "2207": "l",  # ethyl alcohol
    "2208": "l",  # spirits
    "2709": "l",  # crude oil
    "2710": "l",  # fuels
    "1211": "kg",  # plants used in pharmacy (cannabis herb)
    "1302": "kg",  # resins (cannabis resin)
    "2939": "kg",  # alkaloids (cocaine, heroin)
    "8517": "pcs",  # telephones
    "6403": "pcs",  # footwear
    "4202": "pcs",  # bags
}
