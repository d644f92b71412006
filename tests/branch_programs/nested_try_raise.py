class AppError(Exception):
    pass


def convert(text):
    try:
        try:
            value = int(text)
        except ValueError as exc:
            if text == "":
                raise AppError("empty") from exc
            raise
        else:
            if value < 0:
                raise AppError("negative")
    except AppError:
        value = 0
    return value


def translate(text):
    try:
        return convert(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            if text:
                return None


translate("5")
translate("")
translate("-3")
translate("2.5")
translate("zz")
