"""cpr_world.py SRC DST: a copy of a simulated world (effekt simulate) whose person ids are CPR
numbers. Every id in PNR, pnr, MOR_ID and FAR_ID becomes one valid CPR number, the same in every
file: DDMMYY from the person's FOED_DAG in bef (a date drawn from the id when the person is in
no bef), the 7th digit from the century (0-3 for 1900-1999, 4-7 for 2000-2036), the last digit
odd for KOEN = M and even for K. Other files are copied. Used by tests/cli/privacy.sh."""
import datetime
import os
import shutil
import sys
import zlib

ID_COLUMNS = {"PNR", "pnr", "MOR_ID", "FAR_ID"}


def births(src):
    born = {}
    for f in sorted(os.listdir(src)):
        if not f.startswith("bef"):
            continue
        with open(os.path.join(src, f)) as fh:
            head = fh.readline().rstrip("\n").split(",")
            ip, ib, isx = head.index("PNR"), head.index("FOED_DAG"), head.index("KOEN")
            for line in fh:
                r = line.split(",")
                born.setdefault(r[ip], (r[ib], r[isx]))
    return born


class Numbers:
    def __init__(self, born):
        self.born, self.used, self.cpr = born, set(), {}

    def of(self, pnr):
        if pnr not in self.cpr:
            self.cpr[pnr] = self.new(pnr)
        return self.cpr[pnr]

    def new(self, pnr):
        day, sex = self.born.get(pnr, ("", "M" if int(pnr) % 2 else "K"))
        d = (datetime.date.fromisoformat(day) if day else datetime.date(1940, 1, 1)
             + datetime.timedelta(days=zlib.crc32(pnr.encode()) % 25000))
        for step in range(2000):
            s = (int(pnr) + step) % 2000
            d7 = s // 500 if d.year < 2000 else 4 + s // 500
            num = f"{d:%d%m%y}{d7}{(s % 500) * 2 + (sex == 'M'):03d}"
            if num not in self.used:
                self.used.add(num)
                return num
        raise SystemExit(f"cpr_world: no number left for {day}")


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    numbers = Numbers(births(src))
    for f in sorted(os.listdir(src)):
        path = os.path.join(src, f)
        if not f.endswith(".csv"):
            shutil.copy(path, dst)
            continue
        with open(path) as fh, open(os.path.join(dst, f), "w") as out:
            head = fh.readline()
            out.write(head)
            cols = [j for j, h in enumerate(head.rstrip("\n").split(",")) if h in ID_COLUMNS]
            if not cols:
                shutil.copyfileobj(fh, out)
                continue
            if cols == [0]:  # the usual register: the id first
                of = numbers.of
                out.writelines(of(i) + "," + rest if i else line
                               for line in fh for i, _, rest in [line.partition(",")])
                continue
            for line in fh:
                r = line.rstrip("\n").split(",")
                for j in cols:
                    if r[j]:
                        r[j] = numbers.of(r[j])
                out.write(",".join(r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
