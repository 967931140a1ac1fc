"""Free game sound sets packaged by Debian, with descriptive file names: real recordings to try the
library engine on (and what its tests and benchmarks use).

    sudo apt-get install --no-install-recommends minetest-data tuxpaint-stamps-default \\
        wesnoth-1.16-data flare-game sound-theme-freedesktop
    soundweaver library index $(python -m soundweaver.engines.library.sets) -o lib.sqlite \\
        --exclude '*_desc*' --exclude 'symbols/*'

``installed()`` lists the sets present on this machine; ``EXCLUDE`` leaves out what is not a
sound effect (Tux Paint's spoken stamp names and letters).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SoundSet:
    package: str
    root: str
    what: str

    @property
    def present(self) -> bool:
        return Path(self.root).is_dir()


SETS: tuple[SoundSet, ...] = (
    SoundSet("minetest-data", "/usr/share/games/minetest/games/minetest_game/mods",
             "Minetest (CC-BY-SA): footsteps on many surfaces, doors, glass, fire, water, lava, TNT"),
    SoundSet("tuxpaint-stamps-default", "/usr/share/tuxpaint/stamps",
             "Tux Paint stamps (GPL): ~100 animals, tools, household, weather, vehicles"),
    SoundSet("wesnoth-1.16-data", "/usr/share/games/wesnoth/1.16/data/core/sounds",
             "Battle for Wesnoth (GPL): weapons, horses, creatures, ambiences (birds, ship, campfire)"),
    SoundSet("flare-game", "/usr/share/games/flare/mods",
             "Flare (CC-BY-SA): looped ambiences (rain, wind, river, cave drips, fire, birds, anvil)"),
    SoundSet("sound-theme-freedesktop", "/usr/share/sounds/freedesktop/stereo",
             "freedesktop sound theme: phone ringing, bell, alarm clock, camera shutter"),
)
EXCLUDE = ("*_desc*", "symbols/*")  # Tux Paint: spoken names of stamps, letters and digits
INSTALL = "apt-get install --no-install-recommends " + " ".join(s.package for s in SETS)


def installed() -> list[SoundSet]:
    return [s for s in SETS if s.present]


if __name__ == "__main__":
    print(" ".join(s.root for s in installed()))
