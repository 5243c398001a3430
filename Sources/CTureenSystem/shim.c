/* The module's constants are static inline functions in its header; this file gives the target a
   translation unit, as SwiftPM requires of a C target. */
#include "CTureenSystem.h"
