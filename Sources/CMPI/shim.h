// Open MPI's C API. Its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are
// macros that take the address of a library global, which Swift cannot
// import: these functions return them.
#include <mpi.h>

static inline MPI_Comm genot_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype genot_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype genot_mpi_int(void) { return MPI_INT; }
static inline MPI_Op genot_mpi_sum(void) { return MPI_SUM; }
static inline void *genot_mpi_in_place(void) { return MPI_IN_PLACE; }
