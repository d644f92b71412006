def handle(errors):
    try:
        raise ExceptionGroup("many", errors)
    except* ValueError:
        kind = "value"
    except* TypeError:
        kind = "type"
    return kind


handle([ValueError()])
