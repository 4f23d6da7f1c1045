// Open MPI's mpi.h (pkg-config "ompi-c"). Its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are macros that take
// the address of a global, which Swift cannot import: these functions hand them over.
#include <mpi.h>

static inline MPI_Comm precast_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype precast_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype precast_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype precast_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op precast_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op precast_mpi_max(void) { return MPI_MAX; }
static inline void *precast_mpi_in_place(void) { return MPI_IN_PLACE; }
