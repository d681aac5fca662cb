"""Hatch build hook: ship the published data package inside the wheel, as zonedata/_package/.

`zonedata.load()` and `zonedata.package()` read datapackage.json, data/clean/ and schemas/
from there when zonedata is installed from a wheel. This is a hook rather than a static
`force-include` table because hatchling applies force-include to editable installs too: it
would copy a snapshot of the data into site-packages and fail the editable install of a
checkout that has not been built yet. Editable installs read the checkout itself instead.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: path in the repository -> path in the wheel
PACKAGE_DATA = {
    "datapackage.json": "zonedata/_package/datapackage.json",
    "data/clean": "zonedata/_package/data/clean",
    "schemas": "zonedata/_package/schemas",
}


#: shipped when present: the citation of a released version (`zonedata cite` outside a package reads it)
OPTIONAL_DATA = {
    "CITATION.cff": "zonedata/_package/CITATION.cff",
}


class PackageDataHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        missing = [src for src in PACKAGE_DATA if not (root / src).exists()]
        if missing:
            raise FileNotFoundError(f"cannot build the wheel without {', '.join(missing)}: run `zonedata build` first")
        build_data["force_include"].update({str(root / src): dst for src, dst in PACKAGE_DATA.items()})
        build_data["force_include"].update(
            {str(root / src): dst for src, dst in OPTIONAL_DATA.items() if (root / src).is_file()}
        )
