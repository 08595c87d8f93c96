"""The one place the register turns a serial as read into its search key."""


def normalised_serial(raw: str) -> str:
    from armstrace.marking.normalise import normalise_serial

    return normalise_serial(raw or "")
