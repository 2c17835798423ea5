"""Reference data: the areas of collective management in force (Art. 43.3) and the user categories."""

from django.db import migrations

AREAS = [
    (1, "public-performance-works",
     "Жария етілген музыкалық шығармаларды көпшілік алдында орындау, эфирге және кабель арқылы хабарлау құқықтарын басқару",
     "Управление исключительными правами на обнародованные музыкальные произведения в отношении публичного исполнения, сообщения в эфир и по кабелю",
     "Exclusive rights in published musical works: public performance, broadcasting and cable communication"),
    (2, "composers-audiovisual",
     "Аудиовизуалдық шығармада пайдаланылған музыкалық шығармалар авторларының сыйақы алу құқықтары",
     "Права композиторов на вознаграждение за использование музыки в аудиовизуальных произведениях",
     "Composers' remuneration for music used in audiovisual works"),
    (3, "resale-right",
     "Бейнелеу өнері туындыларына қатысты қайта сату құқығын басқару",
     "Управление правом следования в отношении произведений изобразительного искусства",
     "Resale royalty right for works of fine art"),
    (4, "private-copying",
     "Фонограммалар мен аудиовизуалдық шығармаларды жеке мақсатта қайта шығарғаны үшін сыйақы",
     "Вознаграждение за воспроизведение фонограмм и аудиовизуальных произведений в личных целях",
     "Remuneration for private copying of phonograms and audiovisual works"),
    (5, "performers-producers",
     "Орындаушылар мен фонограмма жасаушылардың коммерциялық фонограммаларды пайдаланғаны үшін сыйақы алу құқықтары",
     "Права исполнителей и изготовителей фонограмм на вознаграждение за публичное исполнение и сообщение коммерческих фонограмм",
     "Performers' and phonogram producers' remuneration for public performance and communication of commercial phonograms"),
    (7, "reproduction",
     "Жария етілген шығармаларды қайта шығару құқықтарын басқару",
     "Управление правами на воспроизведение обнародованных произведений",
     "Reproduction rights in published works"),
]  # fmt: skip

CATEGORIES = [
    ("radio", "Радио", "Радио", "Radio"),
    ("tv", "Телевидение", "Телевидение", "Television"),
    ("cable", "Кабельдік операторлар", "Кабельные операторы", "Cable and IPTV operators"),
    ("restaurant", "Мейрамхана, кафе, бар", "Ресторан, кафе, бар", "Restaurant, café or bar"),
    ("retail", "Сауда орны", "Магазин, торговый центр", "Shop or shopping centre"),
    ("hotel", "Қонақүй", "Гостиница", "Hotel"),
    ("fitness", "Фитнес-клуб", "Фитнес-клуб", "Fitness club"),
    ("concert", "Концерт ұйымдастырушы", "Организатор концертов", "Concert organiser"),
    ("nightclub", "Түнгі клуб, дискотека", "Ночной клуб, дискотека", "Nightclub or disco"),
    ("transport", "Көлік", "Транспорт", "Transport"),
    ("digital", "Цифрлық сервис", "Цифровой сервис", "Digital service"),
    ("cinema", "Кинотеатр", "Кинотеатр", "Cinema"),
    ("importer", "Жазу жабдығын өндіруші немесе импорттаушы", "Изготовитель или импортер записывающего оборудования", "Producer or importer of recording equipment"),
    ("gallery", "Галерея, аукцион", "Галерея, аукцион", "Gallery or auction house"),
    ("other", "Басқа", "Другое", "Other"),
]  # fmt: skip


def load(apps, schema_editor):
    Area = apps.get_model("registers", "Area")
    UserCategory = apps.get_model("registers", "UserCategory")
    for item, code, kk, ru, en in AREAS:
        Area.objects.update_or_create(item=item, defaults={"code": code, "name_kk": kk, "name_ru": ru, "name_en": en})
    for order, (code, kk, ru, en) in enumerate(CATEGORIES):
        UserCategory.objects.update_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "ordering": order}
        )


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
