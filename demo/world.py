"""A small, coherent demo world: CMOs, holders, works, recordings, mandates, users and one login per actor.

Everything is drawn from a seeded ``random.Random`` and keyed by natural identifiers (CMO short
names, IPI name numbers, BINs, ISWCs, ISRCs, e-mails), so running :func:`seed_demo` again finds
what is there and creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from stdnum import iban as std_iban

from demo import wordlists as words
from demo.synthetic import Vocabulary, person_names
from registers.actions import protection_of
from registers.models import (
    CMO,
    Area,
    BankAccount,
    CMOArea,
    CMOBranch,
    CMORepresentative,
    Contract,
    ContractKind,
    EmbodiedWork,
    ForeignSociety,
    IPIName,
    Licensee,
    LicenseeLocation,
    Mandate,
    MembershipSource,
    Party,
    PartyKind,
    Pseudonym,
    ReciprocalArea,
    Share,
    SocietyMembership,
    Succession,
    UserCategory,
    Work,
    WorkContributor,
    WorkTitle,
)
from registers.models.contracts import CONTRACT_SERIES
from registers.reciprocal import COPY_WORKING_DAYS
from registers.search import build_search_text, transliterate
from udp import audit, identifiers
from udp.accounts.models import Moderation, Role, User
from udp.core.numbering import allocate_number
from udp.core.workdays import add_working_days
from udp.documents.models import Signatory

DEMO_PASSWORD = "udp-demo-2026"
#: Base32 TOTP secret shared by every demo account that must use a second factor.
DEMO_TOTP_SECRET = "UDPDEMOTOTPSECRETFORKAZAKHSTAN23"
SEED = 20260101
IPI_BASE = 200_000_000  # demo IPI name numbers: 2xxxxxxxx (synthetic ones are 7xxxxxxxx)
ISWC_BASE = 100_000_000  # demo ISWCs: T-1xx.xxx.xxx (synthetic ones are T-3xx…)
DEMO_WORKS = 2000
FOREIGN_WORKS = 300
DEMO_RECORDINGS = 500
KZ_HOLDERS = 260
FOREIGN_HOLDERS = 40

Log = Callable[[str], None]


@dataclass(frozen=True)
class CMOSpec:
    short_name: str
    name_kk: str
    name_ru: str
    name_lat: str
    areas: tuple[int, ...]
    charter_date: dt.date | None = None
    cisac_code: str = ""
    website: str = ""


@dataclass(frozen=True)
class SocietySpec:
    """A foreign society: a reciprocal partner of a domestic CMO, not an entry of the register of CMOs."""

    short_name: str
    name: str
    country: str
    cisac_code: str
    website: str


DOMESTIC_CMOS = (
    CMOSpec("KazAK", "Қазақстан авторлар қоғамы", "Казахстанское авторское общество", "Kazakhstan Authors' Society",
            (1, 2), dt.date(1997, 6, 10), cisac_code="", website="https://kazak.demo.udp.kz"),
    CMOSpec("QazAvtor", "«Qaz Avtor» авторлар одағы", "Союз авторов «Qaz Avtor»", "Qaz Avtor Authors' Union",
            (1,), dt.date(2012, 3, 1), website="https://qazavtor.demo.udp.kz"),
    CMOSpec("KazPerform", "Орындаушылар мен фонограмма жасаушылар қауымдастығы",
            "Ассоциация исполнителей и изготовителей фонограмм", "Performers' and Producers' Association",
            (5,), dt.date(2004, 9, 15), website="https://kazperform.demo.udp.kz"),
    CMOSpec("KazRepro", "Қайта шығару құқықтары қоғамы", "Общество прав на воспроизведение", "Reproduction Rights Society",
            (7,), dt.date(2009, 11, 20), website="https://kazrepro.demo.udp.kz"),
)  # fmt: skip

#: The currency each reciprocal agreement of KazAK pays its society in (the annual run converts to it).
CURRENCY_BY_COUNTRY = {"FR": "EUR", "DE": "EUR", "GB": "GBP", "US": "USD"}
FOREIGN_SOCIETIES = (
    SocietySpec("SACEM", "Société des auteurs, compositeurs et éditeurs de musique", "FR", "058",
                "https://www.sacem.fr"),
    SocietySpec("GEMA", "Gesellschaft für musikalische Aufführungs- und mechanische Vervielfältigungsrechte",
                "DE", "035", "https://www.gema.de"),
    SocietySpec("PRS", "PRS for Music", "GB", "052", "https://www.prsformusic.com"),
    SocietySpec("ASCAP", "American Society of Composers, Authors and Publishers", "US", "010",
                "https://www.ascap.com"),
)  # fmt: skip
#: Reciprocal agreements between domestic CMOs (one pair is left without one, so the register shows a gap).
DOMESTIC_AGREEMENTS = (
    ("KazAK", "QazAvtor", dt.date(2019, 3, 1)),
    ("KazAK", "KazPerform", dt.date(2020, 6, 15)),
    ("KazAK", "KazRepro", dt.date(2021, 2, 1)),
    ("KazPerform", "KazRepro", dt.date(2022, 9, 1)),
)

FOREIGN_NAMES = {
    "FR": (
        ("Camille", "Lucas", "Chloé", "Hugo", "Léa", "Louis"),
        ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau"),
    ),
    "DE": (
        ("Anna", "Lukas", "Lena", "Jonas", "Marie", "Felix"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber"),
    ),
    "GB": (
        ("Oliver", "Amelia", "Harry", "Isla", "George", "Emily"),
        ("Smith", "Jones", "Taylor", "Brown", "Davies"),
    ),
    "US": (
        ("James", "Olivia", "Ethan", "Ava", "Mason", "Sophia"),
        ("Johnson", "Miller", "Davis", "Garcia", "Wilson"),
    ),
}
FOREIGN_TITLE_WORDS = {
    "FR": "amour nuit soleil chanson rêve ville lumière cœur étoile mer printemps liberté".split(),
    "DE": "liebe nacht sonne lied traum stadt licht herz stern meer frühling freiheit".split(),
    "GB": "love night sun song dream city light heart star sea spring freedom".split(),
    "US": "love night sun song dream city light heart star ocean highway freedom".split(),
}
SOCIETY_BY_COUNTRY = {"FR": "SACEM", "DE": "GEMA", "GB": "PRS", "US": "ASCAP"}

#: Authors long dead: their works are in the public domain (Art. 28).
HISTORICAL = (
    ("Құрманғазы Сағырбайұлы", "Курмангазы Сагырбаев", "Kurmangazy Sagyrbayuly", 1823, 1896,
     ("Сарыарқа", "Адай", "Балбырауын", "Кішкентай")),
    ("Абай Құнанбайұлы", "Абай Кунанбаев", "Abai Qunanbaiuly", 1845, 1904,
     ("Көзімнің қарасы", "Айттым сәлем, Қаламқас", "Желсіз түнде жарық ай")),
    ("Біржан сал Қожағұлұлы", "Биржан сал Кожагулов", "Birzhan sal Kozhagululy", 1834, 1897, ("Жанбота", "Теміртас")),
    ("Тәттімбет Қазанғапұлы", "Таттимбет Казангапов", "Tattimbet Kazangapuly", 1815, 1862, ("Саржайлау", "Көкейкесті")),
    ("Дәулеткерей Шығайұлы", "Даулеткерей Шигаев", "Dauletkerei Shygaiuly", 1820, 1887, ("Жігер", "Қос алқа")),
)  # fmt: skip

PUBLISHERS = (
    ("«Дала Мьюзик Паблишинг» ЖШС", "ТОО «Дала Мьюзик Паблишинг»", "Dala Music Publishing LLP"),
    ("«Алатау Әуен» ЖШС", "ТОО «Алатау Эуен»", "Alatau Auen LLP"),
    ("«Qazaq Songs Publishing» ЖШС", "ТОО «Qazaq Songs Publishing»", "Qazaq Songs Publishing LLP"),
    ("«Сарыарқа Ноталары» ЖШС", "ТОО «Сарыарка Ноталары»", "Saryarqa Notalary LLP"),
)
LABELS = (
    ("«Алтын Диск» ЖШС", "ТОО «Алтын Диск»", "Altyn Disk Records LLP"),
    ("«Steppe Sound» ЖШС", "ТОО «Steppe Sound»", "Steppe Sound LLP"),
    ("«Тұмар Рекордс» ЖШС", "ТОО «Тумар Рекордс»", "Tumar Records LLP"),
)
USERS = (
    ("radio", "Шалқар радиосы", "Радио Шалкар", "Shalqar Radio"),
    ("radio", "Жұлдыз FM", "Жулдыз FM", "Zhuldyz FM"),
    ("tv", "Дала TV", "Дала TV", "Dala TV"),
    ("restaurant", "«Дастархан» мейрамханасы", "Ресторан «Дастархан»", "Dastarkhan Restaurant"),
    ("restaurant", "«Алма» кафесі", "Кафе «Алма»", "Alma Cafe"),
    ("retail", "«Керуен» сауда орталығы", "ТЦ «Керуен»", "Keruen Mall"),
    ("hotel", "«Ақсарай» қонақүйі", "Гостиница «Аксарай»", "Aqsarai Hotel"),
    ("fitness", "«Тұлпар» фитнес-клубы", "Фитнес-клуб «Тулпар»", "Tulpar Fitness"),
    ("digital", "Qazaq Stream", "Qazaq Stream", "Qazaq Stream"),
    ("nightclub", "«Мираж» клубы", "Клуб «Мираж»", "Mirage Club"),
    ("concert", "«Сахна» концерт агенттігі", "Концертное агентство «Сахна»", "Sakhna Concerts"),
    ("cinema", "«Арман» кинотеатры", "Кинотеатр «Арман»", "Arman Cinema"),
)

LOGINS = (
    # (e-mail, role, full name, what it is linked to)
    ("holder@demo.udp.kz", Role.HOLDER, "Айгерім Сәрсенбаева", "holder:0"),
    ("holder2@demo.udp.kz", Role.HOLDER, "Нұрлан Жақыпов", "holder:1"),
    # a rightsholder that is a company (a music publisher): it enters who signs for it before it signs
    ("publisher@demo.udp.kz", Role.HOLDER, "Марат Сейітов", "publisher:0"),
    ("admin@kazak.demo.udp.kz", Role.CMO_ADMIN, "Әсел Омарова", "cmo:KazAK"),
    ("staff@kazak.demo.udp.kz", Role.CMO_STAFF, "Ерлан Бейсенов", "cmo:KazAK"),
    ("staff@kazperform.demo.udp.kz", Role.CMO_STAFF, "Динара Есенова", "cmo:KazPerform"),
    ("user@demo.udp.kz", Role.LICENSEE, "Бауыржан Оспанов", "licensee:0"),
    ("cafe@demo.udp.kz", Role.LICENSEE, "Алма Нұрланқызы", "licensee:4"),
    ("regulator@demo.udp.kz", Role.REGULATOR, "Гүлнар Исабекова", ""),
    ("operator@demo.udp.kz", Role.OPERATOR, "Қайрат Мұқанов", ""),
)
DEMO_HOLDERS = (
    ("Айгерім Сәрсенбаева", "Айгерим Сарсенбаева", "Aigerim Sarsenbayeva", dt.date(1986, 4, 12), False),
    ("Нұрлан Жақыпов", "Нурлан Жакупов", "Nurlan Zhakupov", dt.date(1979, 9, 3), True),
)


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n

    @property
    def total(self) -> int:
        return sum(self.created.values())


# -- identifiers -----------------------------------------------------------------------------------
def make_iin(rng: random.Random, birth: dt.date, male: bool) -> str:
    century = (birth.year - 1800) // 100 * 2 + (1 if male else 2)
    while True:
        iin = identifiers.kz_number_with_check(f"{birth:%y%m%d}{century}{rng.randint(0, 9999):04d}")
        if iin:
            return iin


def make_bin(rng: random.Random) -> str:
    while True:
        stem = f"{rng.randint(1, 24):02d}{rng.randint(1, 12):02d}4{rng.choice('0124')}{rng.randint(0, 99999):05d}"
        value = identifiers.kz_number_with_check(stem)
        if value:
            return value


def make_kz_iban(rng: random.Random) -> str:
    """A Kazakh IBAN with a real bank code and check digits computed by ISO 7064 mod 97-10."""
    bban = rng.choice(("601", "722", "998", "826", "914")) + "".join(
        rng.choice("0123456789") for _ in range(13)
    )
    check = std_iban.calc_check_digits(f"KZ00{bban}")
    return identifiers.validate_kz_iban(f"KZ{check}{bban}")


def split(total: Decimal, n: int) -> list[Decimal]:
    """``total`` in ``n`` parts to the hundredth; the first part takes the remainder, so they sum exactly."""
    part = (total / n).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [total - part * (n - 1), *[part] * (n - 1)]


# -- the world -------------------------------------------------------------------------------------
class DemoWorld:
    def __init__(self, log: Log) -> None:
        self.rng = random.Random(SEED)
        self.vocab = Vocabulary(self.rng, rare=0.0)
        self.log = log
        self.summary = Summary()
        self.areas = {a.item: a for a in Area.objects.all()}
        self.cmos: dict[str, CMO] = {}
        self.societies: dict[str, ForeignSociety] = {}
        self.kz_holders: list[Party] = []
        self.foreign_holders: list[Party] = []
        self.publishers: list[Party] = []
        self.labels: list[Party] = []
        self.licensees: list[Licensee] = []
        self.historical: list[tuple[Party, tuple[str, ...]]] = []
        self.heirs_of: list[Party] = []

    # parties
    def party(self, ipi_serial: int, **fields: Any) -> Party:
        """The party with this demo IPI name number, created with ``fields`` if it is not there yet."""
        number = identifiers.ipi_name_number_with_check(f"{IPI_BASE + ipi_serial:09d}")
        found = Party.objects.filter(ipi_names__name_number=number).first()
        if found:
            return found
        pseudonyms = fields.pop("pseudonyms", ())
        party = Party(**fields)
        party.full_clean()
        party.save()
        IPIName.objects.create(
            party=party, name_number=number, name=(party.name_lat or party.name_ru).upper()
        )
        for name in pseudonyms:
            Pseudonym.objects.create(party=party, name=name)
            IPIName.objects.create(
                party=party,
                name_number=identifiers.ipi_name_number_with_check(f"{IPI_BASE + 50_000 + ipi_serial:09d}"),
                name_type="PP",
                name=transliterate(name).upper(),
            )
        self.summary.add("parties")
        return party

    def bank_account(self, party: Party) -> None:
        iban = make_kz_iban(self.rng)
        if not party.bank_accounts.exists():
            account = BankAccount(party=party, iban=iban, bank_name="", is_primary=True)
            account.full_clean()
            account.save()
            self.summary.add("bank accounts")

    def build_cmos(self) -> None:
        for serial, spec in enumerate(DOMESTIC_CMOS, start=1):
            bin_ = make_bin(self.rng)
            cmo = CMO.objects.filter(short_name=spec.short_name).first()
            if cmo is None:
                party = self.party(
                    90_000 + serial, kind=PartyKind.ENTITY, name_kk=spec.name_kk, name_ru=spec.name_ru,
                    name_lat=spec.name_lat, bin=bin_, citizenship="KZ", resident=True,
                )  # fmt: skip
                cmo = CMO.objects.create(
                    party=party, short_name=spec.short_name,
                    cisac_code=spec.cisac_code, website=spec.website, charter_date=spec.charter_date,
                    public_email=f"info@{spec.short_name.lower()}.demo.udp.kz",
                    legal_address="Алматы, Абай даңғылы, 1",
                )  # fmt: skip
                self.summary.add("CMOs")
            self.cmos[spec.short_name] = cmo
            for item in spec.areas:
                _, made = CMOArea.objects.get_or_create(
                    cmo=cmo, area=self.areas[item], defaults={"since": spec.charter_date}
                )
                self.summary.add("CMO areas", made)
            self._offices(cmo)
        for society_spec in FOREIGN_SOCIETIES:
            society, made = ForeignSociety.objects.get_or_create(
                cisac_code=society_spec.cisac_code,
                defaults={"short_name": society_spec.short_name, "name": society_spec.name,
                          "country": society_spec.country, "website": society_spec.website},
            )  # fmt: skip
            self.summary.add("foreign societies", made)
            self.societies[society_spec.short_name] = society

    def _offices(self, cmo: CMO) -> None:
        cities = self.rng.sample(words.CITIES, 3)
        heads = [person_names(self.rng) for _ in range(5)]
        if cmo.representatives.exists():
            return
        for (_city_kk, city_ru, _), (_kk, ru, _lat) in zip(cities[:2], heads[:2], strict=True):
            CMORepresentative.objects.create(
                cmo=cmo, name=ru, position="Өкіл / Представитель", region=city_ru,
                public_phone="+7 727 000 00 00", public_email=f"{transliterate(city_ru).lower()}@{cmo.short_name.lower()}.demo.udp.kz",
            )  # fmt: skip
        for (_city_kk, city_ru, _), (_kk, ru, _lat) in zip(cities, heads[2:], strict=True):
            CMOBranch.objects.create(cmo=cmo, city=city_ru, address=f"{city_ru}, ул. Абая, 10", head=ru)
        self.summary.add("CMO offices", 5)

    def build_holders(self) -> None:
        for i, (kk, ru, lat, birth, male) in enumerate(DEMO_HOLDERS):
            self.kz_holders.append(self._person(i, kk, ru, lat, birth, male))
        for i in range(2, KZ_HOLDERS):
            kk, ru, lat = person_names(self.rng)
            male = not ru.split()[-1].endswith("а")
            birth = dt.date(self.rng.randint(1940, 2002), self.rng.randint(1, 12), self.rng.randint(1, 28))
            dead = self.rng.random() < 0.08
            death = (
                dt.date(self.rng.randint(1975, 2015), self.rng.randint(1, 12), self.rng.randint(1, 28))
                if dead
                else None
            )
            if death and death < birth:
                birth = death.replace(year=death.year - 60)
            pseudonym = (
                (f"{ru.split()[0]} {self.vocab.word('kk').capitalize()}",) if self.rng.random() < 0.1 else ()
            )
            self.kz_holders.append(
                self._person(i, kk, ru, lat, birth, male, death=death, pseudonyms=pseudonym)
            )
        for i, (kk, ru, lat, born, died, titles) in enumerate(HISTORICAL):
            party = self.party(
                80_000 + i, kind=PartyKind.PERSON, name_kk=kk, name_ru=ru, name_lat=lat,
                birth_date=dt.date(born, 1, 1), death_date=dt.date(died, 1, 1), citizenship="KZ",
            )  # fmt: skip
            self.historical.append((party, titles))
        for i in range(FOREIGN_HOLDERS):
            country = ("FR", "DE", "GB", "US")[i % 4]
            given, family = FOREIGN_NAMES[country]
            name = f"{self.rng.choice(given)} {self.rng.choice(family)}"
            self.foreign_holders.append(
                self.party(
                    60_000 + i, kind=PartyKind.PERSON, name_lat=name, citizenship=country, resident=False
                )
            )
        for i, (kk, ru, lat) in enumerate(PUBLISHERS + LABELS):
            party = self.party(
                70_000 + i, kind=PartyKind.ENTITY, name_kk=kk, name_ru=ru, name_lat=lat,
                bin=make_bin(self.rng), citizenship="KZ", resident=True,
            )  # fmt: skip
            (self.publishers if i < len(PUBLISHERS) else self.labels).append(party)
            self.bank_account(party)
        self._heirs()

    def _person(
        self, i: int, kk: str, ru: str, lat: str, birth: dt.date, male: bool, *,
        death: dt.date | None = None, pseudonyms: tuple[str, ...] = (),
    ) -> Party:  # fmt: skip
        iin = make_iin(self.rng, birth, male) if birth.year >= 1900 else None
        party = self.party(
            i, kind=PartyKind.PERSON, name_kk=kk, name_ru=ru, name_lat=lat, iin=iin, birth_date=birth,
            death_date=death, citizenship="KZ", resident=True, pseudonyms=pseudonyms,
            address=f"{self.rng.choice(words.CITIES)[1]}, ул. Достык, {self.rng.randint(1, 200)}",
        )  # fmt: skip
        if death is None:
            self.bank_account(party)
        return party

    def _heirs(self) -> None:
        living = [p for p in self.kz_holders if p.death_date is None]
        for dead in (p for p in self.kz_holders if p.death_date):
            heirs = self.rng.sample(living[2:], 2 if self.rng.random() < 0.5 else 1)
            for heir, share in zip(heirs, split(Decimal(100), len(heirs)), strict=True):
                _, made = Succession.objects.get_or_create(
                    predecessor=dead, successor=heir, kind="heir",
                    defaults={"share": share, "since": dead.death_date, "document": "Мұрагерлік туралы куәлік"},
                )  # fmt: skip
                self.summary.add("heirs", made)

    # contracts
    def _contract(self, kind: str, cmo: CMO, areas: list[Area], on: dt.date, **fields: Any) -> Contract:
        if kind == ContractKind.RECIPROCAL:
            fields.setdefault("copy_due_on", add_working_days(on, COPY_WORKING_DAYS))
        contract = Contract.objects.create(
            number=allocate_number(CONTRACT_SERIES[ContractKind(kind)]), kind=kind, cmo=cmo, concluded_on=on,
            valid_from=on, **fields,
        )  # fmt: skip
        contract.areas.set(areas)
        self.summary.add(f"{kind} contracts")
        return contract

    def build_reciprocals(self) -> None:
        """KazAK represents the four foreign societies in area 1 (each society one domestic CMO per area);
        the domestic CMOs have agreements with each other, all but one pair. Copies: placed on time,
        except the last agreement with a society, placed late."""
        kazak = self.cmos["KazAK"]
        for spec in FOREIGN_SOCIETIES:
            society = self.societies[spec.short_name]
            on = dt.date(self.rng.randint(2000, 2020), self.rng.randint(1, 12), 1)
            if Contract.objects.filter(
                kind=ContractKind.RECIPROCAL, cmo=kazak, foreign_society=society
            ).exists():
                continue
            late = spec is FOREIGN_SOCIETIES[-1]
            due = add_working_days(on, COPY_WORKING_DAYS)
            contract = self._contract(
                ContractKind.RECIPROCAL, kazak, [self.areas[1]], on, foreign_society=society,
                copy_placed_on=due + dt.timedelta(days=30) if late else due,
            )  # fmt: skip
            ReciprocalArea.objects.create(
                contract=contract, society=society, cmo=kazak, area=self.areas[1], valid_from=on,
                currency=CURRENCY_BY_COUNTRY.get(spec.country, ""),
            )  # fmt: skip
        for first, second, on in DOMESTIC_AGREEMENTS:
            cmo, other = self.cmos[first], self.cmos[second]
            if Contract.objects.filter(
                kind=ContractKind.RECIPROCAL, cmo=cmo, counterparty_cmo=other
            ).exists():
                continue
            areas = list(cmo.areas.all()) or [self.areas[1]]
            self._contract(ContractKind.RECIPROCAL, cmo, areas, on, counterparty_cmo=other,
                           copy_placed_on=add_working_days(on, 3))  # fmt: skip

    def mandate(self, holder: Party, cmo: CMO, items: list[int], on: dt.date) -> None:
        items = [
            i
            for i in items
            if not Mandate.objects.filter(holder=holder, area__item=i, status="active").exists()
        ]
        if not items:
            return
        areas = [self.areas[i] for i in items]
        contract = self._contract(ContractKind.MANDATE, cmo, areas, on, holder=holder)
        for area in areas:
            Mandate.objects.create(contract=contract, holder=holder, cmo=cmo, area=area, valid_from=on)
            self.summary.add("mandates")

    def build_mandates(self) -> None:
        for i, holder in enumerate(self.kz_holders):
            roll = self.rng.random()
            on = dt.date(self.rng.randint(2015, 2025), self.rng.randint(1, 12), 1)
            performer = self.rng.random() < 0.3
            repro = self.rng.random() < 0.3
            if i == 0 or (i > 1 and roll < 0.65):
                self.mandate(holder, self.cmos["KazAK"], [1, 2], on)
            elif i == 1 or roll < 0.85:
                self.mandate(holder, self.cmos["QazAvtor"], [1], on)
            if performer and holder.death_date is None:
                self.mandate(holder, self.cmos["KazPerform"], [5], on)
            if repro:
                self.mandate(holder, self.cmos["KazRepro"], [7], on)
        for holder in self.foreign_holders:
            society = self.societies[SOCIETY_BY_COUNTRY[holder.citizenship]]
            _, made = SocietyMembership.objects.get_or_create(
                party=holder, society=society, area=self.areas[1],
                defaults={"since": dt.date(2010, 1, 1), "source": MembershipSource.CMO},
            )  # fmt: skip
            self.summary.add("memberships of foreign societies", made)
        for publisher in self.publishers:
            self.mandate(publisher, self.cmos["KazAK"], [1, 2], dt.date(2018, 1, 1))
            self.mandate(publisher, self.cmos["KazRepro"], [7], dt.date(2018, 1, 1))
        for label in self.labels:
            self.mandate(label, self.cmos["KazPerform"], [5], dt.date(2016, 1, 1))

    def build_users(self) -> None:
        categories = {c.code: c for c in UserCategory.objects.all()}
        for i, (code, kk, ru, lat) in enumerate(USERS):
            bin_ = make_bin(self.rng)
            cities = self.rng.sample(words.CITIES, self.rng.randint(1, 3))
            sizes = [self.rng.randint(40, 900) for _ in cities]
            party = self.party(75_000 + i, kind=PartyKind.ENTITY, name_kk=f"«{kk}» ЖШС", name_ru=f"ТОО «{ru}»",
                               name_lat=f"{lat} LLP", bin=bin_, citizenship="KZ", resident=True)  # fmt: skip
            licensee, made = Licensee.objects.get_or_create(
                party=party, defaults={"category": categories[code], "trade_name": ru}
            )
            if made:
                self.summary.add("users")
                for n, ((_, city_ru, _), size) in enumerate(zip(cities, sizes, strict=True), start=1):
                    LicenseeLocation.objects.create(
                        licensee=licensee, name=f"{ru} — {n}", category=categories[code], city=city_ru,
                        address=f"{city_ru}, пр. Республики, {10 * n}",
                        area_m2=size if code in {"restaurant", "retail", "hotel", "fitness"} else None,
                    )  # fmt: skip
            self.licensees.append(licensee)

    # works
    def build_works(self) -> None:
        plans = self._plan_works()
        codes = [p["iswc"] or p["isrc"] for p in plans]
        existing = set(Work.objects.filter(iswc__in=codes).values_list("iswc", flat=True))
        existing |= set(Work.objects.filter(isrc__in=codes).values_list("isrc", flat=True))
        new = [p for p, code in zip(plans, codes, strict=True) if code not in existing]
        if not new:
            return
        parties = {p.pk: p for p in Party.objects.prefetch_related("pseudonyms")}
        works = []
        for plan in new:
            work = Work(
                kind=plan["kind"], title=plan["title"], language=plan["language"], iswc=plan["iswc"], isrc=plan["isrc"],
                creation_year=plan["year"], disclosed_on=plan["disclosed_on"], registered_by_cmo=plan["cmo"],
            )  # fmt: skip
            self._derive(work, plan, parties)
            works.append(work)
        Work.objects.bulk_create(works)
        wanted = {code for plan in new for code in plan["embodies"]}
        by_code = {w.iswc: w for w in Work.objects.filter(iswc__in=wanted)}
        titles, contributors = [], []
        for plan, work in zip(new, works, strict=True):
            titles += [WorkTitle(work=work, title=t, kind=k) for t, k in plan["alternates"]]
            contributors += [
                WorkContributor(work=work, party_id=pid, role=role, sequence=seq)
                for seq, (pid, role, _) in enumerate(plan["contributors"])
            ]
        WorkTitle.objects.bulk_create(titles)
        WorkContributor.objects.bulk_create(contributors)
        shares, links, it = [], [], iter(contributors)
        for plan, work in zip(new, works, strict=True):
            for _pid, _role, rights in plan["contributors"]:
                contributor = next(it)
                shares += [
                    Share(work=work, contributor=contributor, right_type=rt, percent=p)
                    for rt, p in rights.items()
                ]
            links += [EmbodiedWork(recording=work, work=by_code[code]) for code in plan["embodies"]]
        Share.objects.bulk_create(shares)
        EmbodiedWork.objects.bulk_create(links)
        self.summary.add("works", len(works))

    def _derive(self, work: Work, plan: dict[str, Any], parties: dict[int, Party]) -> None:
        """Protection term and search text, with the same functions the register actions use."""
        people = [parties[pid] for pid, _, _ in plan["contributors"]]
        roles = [role for _, role, _ in plan["contributors"]]
        protection = protection_of(work, zip(people, roles, strict=True))
        work.protection_ends_on, work.protection_basis = protection.ends_on, protection.basis
        parts = [work.title, *(t for t, _ in plan["alternates"])]
        for p in people:
            parts += [p.name_kk, p.name_ru, p.name_lat, *(ps.name for ps in p.pseudonyms.all())]
        work.search_text = build_search_text(parts)

    def _writer_shares(
        self, writers: list[Party], publisher: Party | None
    ) -> list[tuple[int, str, dict[str, Decimal]]]:
        roles = {1: ["CA"], 2: ["C", "A"], 3: ["C", "A", "AR"]}[len(writers)]
        pr = split(Decimal(50 if publisher else 100), len(writers))
        mr = split(Decimal(100), len(writers))
        out = [
            (w.pk, role, {"PR": pr[i]} if publisher else {"PR": pr[i], "MR": mr[i]})
            for i, (w, role) in enumerate(zip(writers, roles, strict=True))
        ]
        if publisher:
            out.append((publisher.pk, "E", {"PR": Decimal(50), "MR": Decimal(100)}))
        return out

    def _plan_works(self) -> list[dict[str, Any]]:
        rng, plans = self.rng, []
        kazak = self.cmos["KazAK"]
        serial = 0

        def plan(
            kind: str, title: str, lang: str, contributors: list[Any], year: int, **extra: Any
        ) -> dict[str, Any]:
            nonlocal serial
            serial += 1
            code = identifiers.iswc_with_check(f"{ISWC_BASE + serial:09d}") if kind == "musical" else None
            disclosed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if year >= 1900 else None
            return {
                "kind": kind, "title": title, "language": lang, "iswc": code, "isrc": extra.get("isrc"),
                "year": year, "disclosed_on": disclosed, "contributors": contributors,
                "alternates": extra.get("alternates", []), "embodies": extra.get("embodies", []),
                "cmo": extra.get("cmo"),
            }  # fmt: skip

        for party, titles in self.historical:
            for title in titles:
                contributors = [(party.pk, "C", {"PR": Decimal(100), "MR": Decimal(100)})]
                plans.append(plan("musical", title, "kk", contributors, (party.death_date or dt.date(2000, 1, 1)).year - 5,
                                  alternates=[(transliterate(title).capitalize(), "TL")]))  # fmt: skip
        writers_pool = self.kz_holders
        for i in range(DEMO_WORKS):
            lang = rng.choices(("kk", "ru", "en"), weights=(55, 35, 10))[0]
            title = self.vocab.title(lang)
            n = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            writers = list(dict.fromkeys(rng.choice(writers_pool) for _ in range(n)))
            if i < 20:  # the demo holders' own catalogue
                writers = [writers_pool[i % 2], *[w for w in writers if w is not writers_pool[i % 2]]][:3]
            publisher = rng.choice(self.publishers) if rng.random() < 0.3 else None
            alternates = []
            if lang != "en" and rng.random() < 0.3:
                alternates.append((transliterate(title).capitalize(), "TL"))
            if rng.random() < 0.1:
                alternates.append((self.vocab.title("en"), "TT"))
            alternates = [a for a in dict.fromkeys(alternates) if a[0] != title]
            year = rng.randint(1965, 2025)
            plans.append(plan("musical", title, lang, self._writer_shares(writers, publisher), year,
                              alternates=alternates, cmo=kazak if rng.random() < 0.5 else None))  # fmt: skip
        for i in range(FOREIGN_WORKS):
            writer = self.foreign_holders[i % len(self.foreign_holders)]
            vocab = FOREIGN_TITLE_WORDS[writer.citizenship]
            title = " ".join(dict.fromkeys(rng.choice(vocab) for _ in range(rng.randint(1, 3)))).capitalize()
            lang = {"FR": "fr", "DE": "de"}.get(writer.citizenship, "en")
            plans.append(plan("musical", title, lang, self._writer_shares([writer], None), rng.randint(1970, 2024),
                              cmo=kazak))  # fmt: skip
        musical = [p for p in plans if p["kind"] == "musical" and p["year"] >= 1960]
        performers = [p for p in self.kz_holders if p.death_date is None]
        for i in range(DEMO_RECORDINGS):
            source = musical[i % len(musical)]
            year = max(source["year"], rng.randint(1990, 2025))
            isrc = f"KZA{rng.randint(10, 99)}{year % 100:02d}{i + 1:05d}"
            performer, label = rng.choice(performers), rng.choice(self.labels)
            contributors = [
                (performer.pk, "PER", {"RR": Decimal(50)}),
                (label.pk, "PRD", {"RR": Decimal(50)}),
            ]
            plans.append(plan("recording", source["title"], source["language"], contributors, year,
                              isrc=isrc, embodies=[source["iswc"]]))  # fmt: skip
        return plans

    # accounts
    def build_logins(self) -> None:
        for email, role, full_name, link in LOGINS:
            kind, _, key = link.partition(":")
            fields: dict[str, Any] = {}
            if kind == "holder":
                fields["party"] = self.kz_holders[int(key)]
            elif kind == "publisher":
                fields["party"] = self.publishers[int(key)]
            elif kind == "cmo":
                fields["cmo"] = self.cmos[key]
            elif kind == "licensee":
                fields["licensee"] = self.licensees[int(key)]
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    role=role,
                    full_name=full_name,
                    moderation=Moderation.APPROVED,
                    **fields,
                )
                self.summary.add("logins")
            if not EmailAddress.objects.filter(user=user, email=email).exists():
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if role == Role.CMO_ADMIN:
                self._signatory(user)
            if (
                user.needs_mfa
                and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
            ):
                from allauth.mfa.totp.internal.auth import TOTP

                TOTP.activate(user, DEMO_TOTP_SECRET)

    def build_accreditation(self) -> None:
        from demo import accreditation

        accreditation.build(self.cmos, self.summary)

    def build_licensing(self) -> None:
        from demo import licensing

        licensing.build(self.cmos, self.summary)

    def build_distribution(self) -> None:
        from demo import distribution

        distribution.build(self.cmos, self.summary)

    def _signatory(self, admin: User) -> None:
        """A CMO's admin is on record as the person who signs for it (its director, under its charter)."""
        cmo = admin.cmo
        if cmo is None or not cmo.party.bin or Signatory.objects.filter(account=admin).exists():
            return
        Signatory.objects.create(
            entity_bin=cmo.party.bin, entity_name=cmo.party.name_ru or cmo.short_name, account=admin,
            iin=make_iin(self.rng, dt.date(1978, 3, 9), male=False), position="Директор", basis="Устав",
            valid_from=dt.date(2020, 1, 1),
        )  # fmt: skip
        self.summary.add("signatories")


def seed_demo(log: Log = lambda s: None) -> Summary:
    """Create the demo world, or find it already there (then nothing is created)."""
    import time

    world = DemoWorld(log)
    with audit.audited(None, audit.Reason("demo_data")):
        for step in (
            "cmos",
            "holders",
            "reciprocals",
            "mandates",
            "users",
            "works",
            "logins",
            "accreditation",
            "licensing",
            "distribution",
        ):
            began = time.monotonic()
            getattr(world, f"build_{step}")()
            log(f"{step}: {time.monotonic() - began:.1f} s")
        began = time.monotonic()
    log(f"commit: {time.monotonic() - began:.1f} s")
    return world.summary


def demo_totp_code(at: float | None = None) -> str:
    """The current six-digit code for the demo TOTP secret."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    code: str = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
    return code
