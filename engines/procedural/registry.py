"""Class name -> generator. A generator takes ``Params`` and returns raw mono (n,) or stereo
(n, 2) samples at any scale; ``levels.finish`` applies the level conventions afterwards."""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import (animals, bells, body, creatures, crowds, fire, footsteps, household, impacts, machinery, mechanisms, music,
               vehicles, water, weapons, weather)
from .params import Params

Generator = Callable[[Params], np.ndarray]

GENERATORS: dict[str, Generator] = {
    # weather
    "rain_light": weather.rain_light, "rain_heavy": weather.rain_heavy,
    "thunder_near": weather.thunder_near, "thunder_distant": weather.thunder_distant,
    "wind_gusts": weather.wind_gusts, "wind_howling": weather.wind_howling,
    # footsteps
    "footsteps_stone": footsteps.footsteps_stone, "footsteps_wood": footsteps.footsteps_wood,
    "footsteps_gravel": footsteps.footsteps_gravel, "footsteps_water": footsteps.footsteps_water,
    "footsteps_metal": footsteps.footsteps_metal, "footsteps_snow": footsteps.footsteps_snow,
    # doors and mechanisms
    "door_creak": mechanisms.door_creak, "door_slam": mechanisms.door_slam,
    "gate_squeak": mechanisms.gate_squeak, "keys_jingle": mechanisms.keys_jingle,
    "valve_clank": mechanisms.valve_clank, "clock_tick": mechanisms.clock_tick,
    "wood_creak": mechanisms.wood_creak,
    # vehicles
    "car_engine": vehicles.car_engine, "tire_skid": vehicles.tire_skid, "car_horn": vehicles.car_horn,
    "train_passing": vehicles.train_passing, "traffic": vehicles.traffic, "engine_roar": vehicles.engine_roar,
    # music
    "music_bed": music.music_bed, "music_stinger": music.music_stinger,
}


# Families with many classes keep their own table next to their generators.
for _family in (water, impacts, fire, creatures, crowds, machinery, body, animals, bells, household, weapons, vehicles):
    GENERATORS.update(_family.GENERATORS)


def placeholder(p: Params) -> np.ndarray:
    """Band-limited noise with a soft envelope: what a class without a model renders as."""
    from . import dsp

    x = dsp.bandpass(dsp.pink(p.rng, p.n), 200.0, 4000.0, p.sr)
    return x * dsp.segment_env(p.n, [(0, 0), (0.05, 1), (max(0.06, p.duration - 0.1), 1), (p.duration, 0)], p.sr)


def generator_for(name: str) -> Generator:
    """The generator of class ``name`` (KeyError for a class outside the taxonomy)."""
    from ...models import sound_classes

    sound_classes.get(name)
    return GENERATORS.get(name, placeholder)
