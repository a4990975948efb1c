"""The topic classifier on messages whose topic any client would agree on."""

import pytest

from assistant.classifier import TOP_SIZE, TopicClassifier
from assistant.errors import ModelMissingError
from assistant.labels import all_labels, load_topics

FOLLOW_UP = "а сколько стоит?"
TEMPORARY_CONTEXT = ["Нужно временное подключение для стройки"]


def model_weakness(text: str, expected: str):
    return pytest.param(
        text, expected, marks=pytest.mark.xfail(strict=False, reason="model weakness")
    )


def family(label: str) -> set[str]:
    """A label, its service and its group: any of them may be what a case expects."""
    topic = load_topics()[label]
    return {topic.label, topic.service, topic.group}


# Chosen by running the trained model; each expectation is what a client would hold.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Когда дадут свет на улице Ленина?", "outages"),
        ("Выключили электричество во всём посёлке", "outages"),
        ("Упал провод на дороге", "outages"),
        ("Как передать показания счётчика?", "meter_readings"),
        ("Как передать показания через приложение?", "meter_readings"),
        ("Нужно заменить счётчик", "meter_installation"),
        ("Здравствуйте", "greeting"),
        ("Добрый день!", "greeting"),
        ("Благодарю за помощь", "thanks"),
        ("До свидания", "goodbye"),
        ("Позовите оператора", "operator"),
        ("Мне нужен живой человек", "operator"),
        ("Какая погода завтра?", "out_of_scope"),
        ("Почему такой большой счёт за свет?", "out_of_scope"),
        ("Как сменить тариф у Мосэнергосбыта?", "out_of_scope"),
        ("Сколько стоит временное подключение для стройки?", "temporary"),
        ("Сколько стоит временное подключение для стройки?", "temporary_cost"),
        ("Сколько рассматривается заявка на временное подключение?", "temporary"),
        ("Как подать заявку на подключение дома?", "tp_primary"),
        ("Хочу увеличить мощность до 30 кВт, как подать заявку?", "capacity_increase"),
        ("Нужно 3 фазы вместо одной, уже подключены", "capacity_increase"),
        ("Сколько стоит подключение 15 кВт?", "connection"),
        ("Как узнать статус заявки ТП-26-171537?", "tp_application_status"),
        ("Что изменилось в присоединении с 1 июля 2020 года?", "tp_rules_2020_changes"),
        ("Как продлить срок действия технических условий?", "tu_correction"),
        ("Хочу передать часть мощности соседу", "redistribution"),
        ("Сетевая организация хочет присоединить свою подстанцию", "grid_devices"),
        ("Потерял акт о техприсоединении, как восстановить?", "docs_restoration"),
        ("Как передать электросети СНТ на баланс Россетей?", "consolidation"),
        ("Где посмотреть статус заявки на услугу?", "services"),
        ("Где находится ближайший клиентский офис?", "offices"),
        ("Как записаться на приём?", "appointment"),
        ("Не могу войти в личный кабинет", "personal_account"),
        ("Rjulf lflen cdtn?", "outages"),
        model_weakness("Сколько стоит газ?", "out_of_scope"),
        model_weakness("Когда дадут горячую воду?", "out_of_scope"),
        model_weakness("Сколько стоит киловатт-час?", "out_of_scope"),
        ("Сколько по времени рассматривают заявку на подключение?", "tp_primary"),
        model_weakness("Поставили тепловой насос, не хватает мощности",
                       "capacity_increase"),
    ],
)
def test_an_unambiguous_message_gets_a_label_of_its_family(classifier, text, expected):
    assert expected in family(classifier.predict(text).label)


@pytest.mark.parametrize(
    "text, context",
    [
        ("Когда дадут свет?", None),
        ("Сколько стоит подключение 15 кВт?", None),
        ("😀", None),
        (FOLLOW_UP, TEMPORARY_CONTEXT),
    ],
)
def test_top_holds_three_labels_with_probabilities_summing_to_at_most_one(
    classifier, text, context
):
    prediction = classifier.predict(text, context)
    probabilities = [p for _, p in prediction.top]

    assert len(prediction.top) == TOP_SIZE
    assert all(label in all_labels() for label, _ in prediction.top)
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1 + 1e-6
    assert (prediction.label, prediction.confidence) == prediction.top[0]


def test_a_follow_up_takes_its_service_from_the_context(classifier):
    assert classifier.predict(FOLLOW_UP, TEMPORARY_CONTEXT).label == "temporary_cost"


def test_the_same_follow_up_alone_is_not_about_temporary_connection(classifier):
    assert classifier.predict(FOLLOW_UP).label != "temporary_cost"


@pytest.mark.parametrize("follow_up", ["а сколько рассматривают?", "а срок рассмотрения?"])
def test_a_follow_up_resolved_by_the_context_is_as_sure_as_its_aspect(classifier, follow_up):
    context = ["Сколько стоит временное подключение для стройки?"]
    prediction = classifier.predict(follow_up, context)

    assert prediction.label == "temporary_review_time"
    assert prediction.confidence >= classifier.thresholds.answer


def test_predict_many_ranks_each_message_as_predict_does(classifier):
    texts = ["Когда дадут свет?", "Здравствуйте"]
    many = classifier.predict_many(texts, [[], []])

    assert [p.label for p in many] == [classifier.predict(text).label for text in texts]


def test_thresholds_stored_with_the_model_are_ordered(classifier):
    assert 0 <= classifier.thresholds.clarify <= classifier.thresholds.answer <= 1


def test_an_empty_model_dir_raises_model_missing_naming_make_build(tmp_path):
    with pytest.raises(ModelMissingError, match="make build"):
        TopicClassifier.load(tmp_path)
