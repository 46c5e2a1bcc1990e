"""Stage 2, features: the four readings, scaled."""

from sklearn.preprocessing import StandardScaler

SENSORS = ["temperature", "vibration", "current", "pressure"]


def build_features() -> StandardScaler:
    """An unfitted scaler of the sensor readings."""
    return StandardScaler()
