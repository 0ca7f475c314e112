"""EUC over the resident registry (住民記録システム標準仕様書 10.1); see README.md."""
