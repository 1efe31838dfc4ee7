/* A do-nothing extension module that compat.py builds twice with the running interpreter's
   headers. With -DDECLARE_NOGIL it declares that it runs safely without the GIL
   (Py_mod_gil = Py_MOD_GIL_NOT_USED); without, it declares nothing, which a free-threaded
   CPython reads as "needs the GIL" and so turns the GIL back on for the whole process.
   -DMODULE=name sets the module name, so that both builds can be imported side by side.
   -DDECLARE_SUBINTERP declares it safe in a sub-interpreter with its own GIL; without, an
   isolated sub-interpreter refuses to import it (tests/test_packages.py builds both). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define INIT_(name) PyInit_##name
#define INIT(name) INIT_(name)

static PyObject *
answer(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    (void)module;
    return PyLong_FromLong(42);
}

static PyMethodDef methods[] = {
    {"answer", answer, METH_NOARGS, "Return 42."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if defined(DECLARE_NOGIL) && defined(Py_mod_gil)  /* the slot exists from 3.13 on */
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
#if defined(DECLARE_SUBINTERP)  /* tests/test_packages.py: safe in an isolated sub-interpreter */
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef definition = {
    PyModuleDef_HEAD_INIT,
    .m_name = STR(MODULE),
    .m_doc = "compat.py's test module.",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC
INIT(MODULE)(void)
{
    return PyModuleDef_Init(&definition);
}
