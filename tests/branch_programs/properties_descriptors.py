class Positive:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, 0)

    def __set__(self, obj, value):
        if value < 0:
            raise ValueError("negative")
        setattr(obj, self.name, value)


class Account:
    balance = Positive()

    def __init__(self, owner):
        self._owner = owner

    @property
    def owner(self):
        return self._owner.title() if self._owner else "anonymous"

    @owner.setter
    def owner(self, value):
        if not isinstance(value, str):
            raise TypeError("owner")
        self._owner = value


acct = Account("ann")
acct.balance = 10
try:
    acct.balance = -1
except ValueError:
    pass
acct.owner = "bob"
print(acct.owner, acct.balance, Account.balance is not None)
